import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PER_ITEM_KINDS, RETENTION_FROM, RETENTION_KINDS } from '../../domain/retention-schedule.js';
import { RetentionStore } from '../../domain/retention.store.port.js';
import { RetentionScheduleService } from '../../retention-schedule.service.js';
import { GetRetentionReportQuery } from './get-retention-report.query.js';
import type { RetentionReportResponse } from './retention-report.response.js';

const ITEMS_SHOWN = 100;

/**
 * GET /retention/report: per kind of data, what a retention run at `at` would erase and when the
 * next item falls due, for the caller's organisation's data (the operator's IG: everyone's).
 * Reads only: a dry run.
 */
@QueryHandler(GetRetentionReportQuery)
export class GetRetentionReportHandler implements IQueryHandler<GetRetentionReportQuery, RetentionReportResponse> {
  constructor(
    private readonly store: RetentionStore,
    private readonly schedule: RetentionScheduleService,
  ) {}

  async execute({ principal: p, at }: GetRetentionReportQuery): Promise<RetentionReportResponse> {
    const org = p.orgKind === 'GATEWAY' ? undefined : p.org;
    const kinds = [];
    for (const kind of RETENTION_KINDS) {
      const days = this.schedule.days(kind);
      const { due, nextDueAt } = await this.store.summary(kind, days, at, org);
      const items = PER_ITEM_KINDS.includes(kind)
        ? await this.store.due(null, kind, days, at, { org, limit: ITEMS_SHOWN })
        : [];
      kinds.push({
        kind,
        from: RETENTION_FROM[kind],
        rules: this.schedule.schedule.rules
          .filter((r) => r.kind === kind && (r.org === null || org === undefined || r.org === org))
          .map(({ id, org: o, days: d, description, source }) => ({ id, org: o, days: d, description, source })),
        due,
        nextDueAt: nextDueAt?.toISOString() ?? null,
        items: items.map((i) => ({ id: i.id, crn: i.crn, org: i.org, dueAt: i.dueAt.toISOString() })),
      });
    }
    return {
      schedule: this.schedule.schedule.versions,
      at: at.toISOString(),
      generatedAt: new Date().toISOString(),
      org: org ?? null,
      kinds,
    };
  }
}
