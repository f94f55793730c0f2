import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { recordEventOnce } from '@shared/events/index.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { exchangeEvent } from './application/exchange-events.js';
import { dueSoonAt } from './domain/deadlines.js';
import { ExchangeRequestRepository } from './domain/exchange-request.repository.port.js';

/** How often the watcher looks for open requests near or past their due time. */
export const DEADLINE_SWEEP_INTERVAL_MS = 60_000;
/** Looks this far ahead: the earliest a request can be due soon (ROUTINE due on a Monday: from the Friday). */
const LOOKAHEAD_MS = 4 * 24 * 3_600_000;

/**
 * Raises `exchange-request.due-soon` (URGENT 4 hours, ROUTINE one working day before the due
 * time) and `exchange-request.overdue` (past it, still SUBMITTED or APPROVED) for each open
 * request, once per request and due time whichever instance sees it first (recordEventOnce).
 * A request first seen already overdue gets only `overdue`.
 */
@Injectable()
export class ExchangeDeadlineWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: ExchangeRequestRepository,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running = this.sweep().catch((e: unknown) =>
        this.logger.warn(
          `exchange deadline sweep failed: ${e instanceof Error ? e.message : String(e)}`,
          'ExchangeDeadlineWatcher',
        ),
      );
    }, DEADLINE_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass at `now`; returns how many events it raised. */
  async sweep(now = new Date()): Promise<number> {
    return this.repo.transaction(async (tx) => {
      let raised = 0;
      for (const r of await this.repo.openDueBy(tx, new Date(now.getTime() + LOOKAHEAD_MS))) {
        const type =
          r.dueBy <= now
            ? ('exchange-request.overdue' as const)
            : dueSoonAt(r.dueBy, r.urgency) <= now
              ? ('exchange-request.due-soon' as const)
              : null;
        if (type && (await recordEventOnce(tx, exchangeEvent(type, r.id, r), r.dueBy))) raised++;
      }
      return raised;
    });
  }
}
