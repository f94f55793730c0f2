import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { preparedEntryOf } from '../domain/prepared-entry.js';
import { LogSequencer } from './log-sequencer.js';

const SWEEP_JOB = 'access-log.intent-sweep';

/** Intents read per round of a sweep. */
const PAGE = 500;

const OLDEST = `SELECT id::text AS id, entry FROM access_log_queue WHERE enqueued_at <= now() - make_interval(secs => $1::double precision / 1000) ORDER BY id LIMIT ${PAGE}`;

/**
 * Integrates log intents left in the queue: a change committed with its intent, but the process
 * stopped (or the log was unavailable) before the intent reached the tree. Runs on every
 * instance, once at start-up (every queued intent) and then every LOG_INTENT_SWEEP_MS (intents
 * queued at least that long, so it leaves in-flight ones to their handlers). Any instance may
 * win: the batch store integrates each intent exactly once, and the others get its receipt.
 * With the shared integrator, a sweep on an instance that does not lead only wakes the leader,
 * which integrates the queue (and the sweep's appends resolve with the receipts).
 */
@Injectable()
export class LogIntentSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly sequencer: LogSequencer,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.start(0);
    const every = this.config.logIntentSweepMs;
    scheduleEvery(this.scheduler, SWEEP_JOB, every, () => this.start(every));
  }

  async onModuleDestroy(): Promise<void> {
    unschedule(this.scheduler, SWEEP_JOB);
    await this.running;
  }

  /** Integrates every intent queued at least `olderThanMs`; resolves with how many it integrated. */
  async sweep(olderThanMs: number): Promise<number> {
    let integrated = 0;
    for (;;) {
      const rows: { id: string; entry: unknown }[] = await this.db.query(OLDEST, [olderThanMs]);
      const intents = rows.flatMap((r) => {
        const prepared = preparedEntryOf(r.entry);
        if (!prepared) this.logger.warn(`log intent ${r.id} is not a prepared entry; it stays queued`, 'AccessLog');
        return prepared ? [{ ...prepared, intentId: r.id }] : [];
      });
      const results = await Promise.allSettled(intents.map((i) => this.sequencer.append(i)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      integrated += results.length - results.filter((r) => r.status === 'rejected').length;
      if (failed) throw failed.reason;
      if (rows.length < PAGE || intents.length < rows.length) return integrated;
    }
  }

  private start(olderThanMs: number): void {
    if (this.running) return;
    this.running = this.sweep(olderThanMs)
      .then((n) => {
        if (n > 0) this.logger.log(`integrated ${n} queued access-log intent(s)`, 'AccessLog');
      })
      .catch((e: unknown) =>
        this.logger.warn(`access-log intent sweep failed: ${e instanceof Error ? e.message : String(e)}`, 'AccessLog'),
      )
      .finally(() => (this.running = undefined));
  }
}
