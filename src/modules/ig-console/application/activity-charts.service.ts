import { Injectable } from '@nestjs/common';
import type { Principal } from '@shared/auth/principal.js';
import { AccessLogSearch, type EntryView } from '@modules/access-log/index.js';
import { activityCharts, type ActivityCharts } from '../domain/activity-charts.js';

const PAGE = 1000;
const MAX_ENTRIES = 20_000;

/**
 * The console's charts over the reviewer's scope of the log. The entries come through
 * AccessLogSearch page by page, so the counts are of exactly what the API's search shows the
 * reviewer, and each page read is itself logged; only counts leave.
 */
@Injectable()
export class ActivityChartsService {
  constructor(private readonly search: AccessLogSearch) {}

  async charts(p: Principal, range: { from: Date; to: Date }): Promise<ActivityCharts> {
    const entries: EntryView[] = [];
    let cursor: number | undefined;
    let truncated = false;
    for (;;) {
      const page = await this.search.search(p, { from: range.from, to: range.to }, { cursor, limit: PAGE });
      entries.push(...page.entries);
      if (page.nextCursor === null) break;
      if (entries.length >= MAX_ENTRIES) {
        truncated = true;
        break;
      }
      cursor = Number(page.nextCursor);
    }
    return activityCharts(entries, range, truncated);
  }
}
