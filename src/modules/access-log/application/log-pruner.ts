import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { Metrics } from '@shared/observability/metrics.js';
import type { AccessLogEntryInput } from '../domain/access-log-entry.js';
import type { PrunedRange } from '../domain/pruned-range.js';
import { AccessLogWriter } from './access-log.writer.js';

const PRUNE_JOB = 'access-log.prune';
const DAY_MS = 86_400_000;

/**
 * Entries pruned in one transaction at most: a long backlog is pruned in several, each with its
 * own log entry. Measured: about 1.1 s for 10,000 (the row trigger checks each) on a busy
 * two-core machine, well inside the default DB_STATEMENT_TIMEOUT_MS of 5 s.
 */
export const PRUNE_BATCH = 10_000;

/** The youngest cutoff the database's floor allows now (owner-set, see migration LogRetention). */
const FLOOR = `SELECT now() - make_interval(days => min_age_days) AS latest, min_age_days FROM access_log_retention_floor WHERE id = 1`;
/** The range access_log_prune would take for cutoff $1 with no batch limit (the same rule, read-only). */
const DUE = `WITH lo AS (SELECT COALESCE(max(to_idx) + 1, 0) AS lo FROM access_log_pruned_ranges),
  hd AS (SELECT size FROM access_log_head WHERE id = 1)
  SELECT lo.lo::text AS "from",
         (SELECT COALESCE(min(e.idx), hd.size) - 1 FROM access_log_entries e
           WHERE e.idx >= lo.lo AND e.idx < hd.size AND e.ts >= $1::timestamptz)::text AS "to"
    FROM lo, hd`;
const PRUNE = `SELECT from_idx::text AS "from", to_idx::text AS "to", pruned, now() AS at FROM access_log_prune($1::timestamptz, $2::integer)`;

/** One pruning this instance made: the range, how many bodies went, and the cutoff used. */
export interface LogPruning extends PrunedRange {
  count: number;
  /** The log entry that records it (its index once integrated; null when left to the intent sweeper). */
  entryIndex: number | null;
}

/**
 * Prunes the bodies of access-log entries older than LOG_RETENTION_DAYS through the database
 * function access_log_prune (the only way a body can go; leaf hashes, nodes and checkpoints
 * stay, so every proof still verifies). Each pruning commits together with its own log entry
 * (`log.prune`, naming the range, count and cutoff, and no personal data), queued as an intent in
 * the same transaction. Runs on every instance every LOG_PRUNE_INTERVAL_MS; the function's
 * advisory lock lets one pruning run at a time, and a second instance finds nothing left.
 *
 * The database refuses a cutoff younger than its floor (access_log_retention_floor, which only
 * the schema owner can change): a retention period shorter than the floor prunes at the floor,
 * with a warning, until an operator lowers it.
 */
@Injectable()
export class LogPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private running: Promise<unknown> | undefined;
  private readonly prunedTotal: Counter;

  constructor(
    private readonly db: DataSource,
    private readonly writer: AccessLogWriter,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    metrics: Metrics,
  ) {
    this.prunedTotal = new Counter({
      name: 'gateway_log_pruned_entries_total',
      help: 'Access-log entries whose bodies this instance pruned under the retention schedule',
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    scheduleEvery(this.scheduler, PRUNE_JOB, this.config.logPruneIntervalMs, () => this.start());
  }

  async onModuleDestroy(): Promise<void> {
    unschedule(this.scheduler, PRUNE_JOB);
    await this.running;
  }

  /**
   * What pruneDue(now) would prune, without pruning (a dry run for a retention report): the
   * entries [from, to] not yet pruned and older than the cutoff it would use, or null when none are.
   */
  async dueAt(now: Date = new Date()): Promise<{ from: number; to: number; cutoff: string } | null> {
    const [floor] = await this.db.query<{ latest: Date }[]>(FLOOR);
    const cutoff = this.cutoffAt(now, floor.latest);
    const [r] = await this.db.query<{ from: string; to: string }[]>(DUE, [cutoff.toISOString()]);
    return Number(r.to) >= Number(r.from)
      ? { from: Number(r.from), to: Number(r.to), cutoff: cutoff.toISOString() }
      : null;
  }

  /** The cutoff for `now`: the retention period back, but never younger than the floor allows (`latest`). */
  private cutoffAt(now: Date, latest: Date): Date {
    const wanted = new Date(now.getTime() - this.config.logRetentionDays * DAY_MS);
    return latest < wanted ? latest : wanted;
  }

  /**
   * Prunes every entry older than the retention period at `now` (as far as the floor allows) and
   * resolves with the prunings made, oldest first; none when nothing is due. Safe to call from
   * any instance or job at any time.
   */
  async pruneDue(now: Date = new Date()): Promise<LogPruning[]> {
    const done: LogPruning[] = [];
    for (;;) {
      const step = await this.db.transaction(async (tx) => {
        const [floor] = await tx.query<{ latest: Date; min_age_days: number }[]>(FLOOR);
        if (this.config.logRetentionDays < floor.min_age_days && !done.length)
          this.logger.warn(
            `LOG_RETENTION_DAYS (${this.config.logRetentionDays}) is shorter than the database's retention floor (${floor.min_age_days} days): pruning only what the floor allows`,
            'AccessLog',
          );
        const cutoff = this.cutoffAt(now, floor.latest);
        const rows = await tx.query<{ from: string; to: string; pruned: number; at: Date }[]>(PRUNE, [
          cutoff.toISOString(),
          PRUNE_BATCH,
        ]);
        if (!rows.length) return null;
        const range: PrunedRange = {
          from: Number(rows[0].from),
          to: Number(rows[0].to),
          cutoff: cutoff.toISOString(),
          prunedAt: rows[0].at.toISOString(),
        };
        const intent = await this.writer.enqueue(tx, this.entryOf(range, rows[0].pruned));
        return { range, count: rows[0].pruned, intent };
      });
      if (!step) return done;
      const receipt = await this.writer.integrate(step.intent);
      done.push({ ...step.range, count: step.count, entryIndex: receipt?.index ?? null });
      this.prunedTotal.inc(step.count);
      this.logger.log(
        `pruned the bodies of access-log entries ${step.range.from} to ${step.range.to} (older than ${step.range.cutoff})`,
        'AccessLog',
      );
    }
  }

  private entryOf(r: PrunedRange, count: number): AccessLogEntryInput {
    return {
      actor: { org: 'gateway', sub: 'system:log-retention', roles: [] },
      action: 'log.prune',
      resource: { type: 'access-log', id: `${r.from}-${r.to}` },
      reason: `entries older than the retention period of ${this.config.logRetentionDays} days`,
      decision: 'ALLOW',
      reasons: [`pruned:${r.from}..${r.to}`, `count:${count}`, `cutoff:${r.cutoff}`],
      ownerOrg: 'gateway',
      requestId: `log-prune-${r.from}-${r.to}`,
      jti: null,
    };
  }

  private start(): void {
    if (this.running) return;
    this.running = this.pruneDue()
      .catch((e: unknown) =>
        this.logger.warn(`access-log pruning failed: ${e instanceof Error ? e.message : String(e)}`, 'AccessLog'),
      )
      .finally(() => (this.running = undefined));
  }
}
