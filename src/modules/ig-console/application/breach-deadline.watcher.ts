import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { links, recordEventOnce } from '@shared/events/index.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { dueReminder, REMINDERS_BEFORE_MS } from '../domain/breach.js';
import { BreachRepository } from '../domain/breach.repository.port.js';

/** How often the watcher looks at the ICO clocks of open breaches. */
export const BREACH_SWEEP_INTERVAL_MS = 60_000;
const BREACH_JOB = 'ig-records.breach-deadlines';

/**
 * Tells an organisation's IG of the ICO deadline of each of its breaches still OPEN (and not
 * assessed as not reportable): `breach.ico-deadline-near` 24 hours and 4 hours before the
 * 72 hours are up, `breach.ico-overdue` when they are (their IG is e-mailed, their webhooks and
 * feed hear of it; the subject is the breach id, nothing of its content). Each reminder is
 * raised once per breach and point in time, whichever instance or pass sees it first
 * (recordEventOnce); a pass that first looks late raises only the latest point reached.
 */
@Injectable()
export class BreachDeadlineWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: BreachRepository,
    private readonly logger: JsonLogger,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    scheduleEvery(this.scheduler, BREACH_JOB, BREACH_SWEEP_INTERVAL_MS, () => {
      this.running = this.sweep().catch((e: unknown) =>
        this.logger.warn(
          `breach deadline sweep failed: ${e instanceof Error ? e.message : String(e)}`,
          'BreachDeadlineWatcher',
        ),
      );
    });
  }

  async onModuleDestroy(): Promise<void> {
    unschedule(this.scheduler, BREACH_JOB);
    await this.running;
  }

  /** One pass at `now` (the clock tests move); returns how many reminders it raised. */
  async sweep(now = new Date()): Promise<number> {
    const horizon = new Date(now.getTime() + Math.max(...REMINDERS_BEFORE_MS));
    return this.store.transaction(async (tx) => {
      let raised = 0;
      for (const b of await this.store.clocksRunning(tx, horizon)) {
        const due = dueReminder(b.icoDeadline, now);
        if (!due) continue;
        const event = {
          type: due.kind === 'overdue' ? ('breach.ico-overdue' as const) : ('breach.ico-deadline-near' as const),
          subject: b.id,
          parties: [b.org],
          link: links.breaches(),
        };
        if (await recordEventOnce(tx, event, due.dueAt)) raised++;
      }
      return raised;
    });
  }
}
