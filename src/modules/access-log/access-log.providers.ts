import { BeforeApplicationShutdown, Inject, Injectable, OnModuleInit, type Provider } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { HealthRegistry } from '@shared/core/health.registry.js';
import { connectionStringOf } from '@shared/database/pg-connection.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { Metrics } from '@shared/observability/metrics.js';
import { AccessLogWriter } from './application/access-log.writer.js';
import { LogSequencer } from './application/log-sequencer.js';
import { PgLogBatchStore, type LogStoreStats } from './infrastructure/pg-log-batch-store.js';
import { loadLogNoteSigner } from './infrastructure/log-note-key.js';
import { LOG_NOTE_SIGNER } from './application/log-notes.js';

/** The log's Ed25519 note key (LOG_NOTE_KEY, or created under DATA_DIR/keys). */
export const logNoteSignerProvider: Provider = {
  provide: LOG_NOTE_SIGNER,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => loadLogNoteSigner(config),
};

/** Queued entries at most before append() answers 503 at once (back-pressure, not a growing backlog). */
export const MAX_PENDING_ENTRIES = 10_000;

/** A failed batch keeps /health down this long unless a batch succeeds first. */
const RECENT_FAILURE_MS = 10_000;

export interface LogSequencerOptions {
  connectionString: string;
  maxBatch: number;
  statementTimeoutMs: number;
  maxPending?: number;
  lockTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** How long an entry may wait in the queue; defaults to statementTimeoutMs. */
  queueTimeoutMs?: number;
  onBatch?: (size: number, ms: number, error?: unknown) => void;
  onConnectionError?: (e: Error) => void;
  /** `shared` (default): one store across instances integrates for all; `each`: every store appends its own batches. */
  integrator?: 'shared' | 'each';
  /** Shared integrator: how often a follower tries to lead (default 1000 ms). */
  integratorRetryMs?: number;
  /** Shared integrator: called when this store starts or stops leading. */
  onRole?: (leading: boolean) => void;
  /** Called with the store once made (for its stats). */
  onStore?: (store: PgLogBatchStore) => void;
}

/** A sequencer writing to PostgreSQL over its own connection (also used by tests and the benchmark). */
export function createLogSequencer(o: LogSequencerOptions): LogSequencer {
  const store = new PgLogBatchStore({
    connectionString: o.connectionString,
    statementTimeoutMs: o.statementTimeoutMs,
    lockTimeoutMs: o.lockTimeoutMs ?? Math.min(2000, o.statementTimeoutMs),
    connectTimeoutMs: o.connectTimeoutMs ?? 3000,
    onConnectionError: o.onConnectionError,
    shared:
      o.integrator === 'each'
        ? undefined
        : {
            retryMs: o.integratorRetryMs ?? 1000,
            waitTimeoutMs: o.queueTimeoutMs ?? o.statementTimeoutMs,
            maxBatch: o.maxBatch,
            onRole: o.onRole,
            onListenError: o.onConnectionError,
          },
  });
  o.onStore?.(store);
  return new LogSequencer(store, {
    maxBatch: o.maxBatch,
    maxPending: o.maxPending ?? MAX_PENDING_ENTRIES,
    queueTimeoutMs: o.queueTimeoutMs ?? o.statementTimeoutMs,
    onBatch: o.onBatch,
  });
}

/** A writer outside Nest (scripts, tests, benchmarks); close() drains it. */
export function createAccessLogWriter(o: LogSequencerOptions): {
  writer: AccessLogWriter;
  sequencer: LogSequencer;
  close: () => Promise<void>;
} {
  const sequencer = createLogSequencer(o);
  return { writer: new AccessLogWriter(sequencer), sequencer, close: () => sequencer.close() };
}

export const sequencerProvider: Provider = {
  provide: LogSequencer,
  inject: [DataSource, APP_CONFIG, Metrics, JsonLogger],
  useFactory: (ds: DataSource, config: AppConfig, metrics: Metrics, logger: JsonLogger): LogSequencer => {
    const appended = new Counter({
      name: 'gateway_access_log_appends_total',
      help: 'Access-log entries by outcome',
      labelNames: ['result'] as const,
      registers: [metrics.registry],
    });
    const batchSize = new Histogram({
      name: 'gateway_access_log_batch_entries',
      help: 'Entries per access-log transaction',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers: [metrics.registry],
    });
    const flush = new Histogram({
      name: 'gateway_access_log_flush_seconds',
      help: 'Duration of one access-log batch transaction',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
      registers: [metrics.registry],
    });
    let store: PgLogBatchStore | undefined;
    const sequencer = createLogSequencer({
      connectionString: connectionStringOf(ds),
      maxBatch: config.logBatchMaxEntries,
      statementTimeoutMs: config.dbStatementTimeoutMs,
      integrator: config.logIntegrator,
      integratorRetryMs: config.logIntegratorRetryMs,
      onStore: (s) => (store = s),
      onRole: (leading) =>
        logger.log(
          leading
            ? `this instance (pid ${process.pid}) now integrates the access log for every instance (integrator leader)`
            : `this instance (pid ${process.pid}) no longer integrates the access log; it queues its entries for the leader`,
          'AccessLog',
        ),
      onBatch: (size, ms, error) => {
        appended.inc({ result: error ? 'failed' : 'committed' }, size);
        batchSize.observe(size);
        flush.observe(ms / 1000);
        if (error) logger.warn(`access-log batch of ${size} failed: ${(error as Error).message}`, 'AccessLog');
      },
      onConnectionError: (e) => logger.warn(`access-log connection lost: ${e.message}`, 'AccessLog'),
    });
    new Gauge({
      name: 'gateway_access_log_integrator_leader',
      help: '1 while this instance integrates the access log for every instance (LOG_INTEGRATOR=shared), else 0',
      registers: [metrics.registry],
      collect() {
        this.set(store?.stats.leading ? 1 : 0);
      },
    });
    const counted = (name: string, help: string, read: (s: LogStoreStats) => number) =>
      new Counter({
        name,
        help,
        registers: [metrics.registry],
        collect() {
          // Counters read from the store's own counts, which only grow.
          const value = store ? read(store.stats) : 0;
          this.reset();
          this.inc(value);
        },
      });
    counted(
      'gateway_access_log_fast_batches_total',
      'Access-log batches written on the head this instance knew (one round trip)',
      (s) => s.fastBatches,
    );
    counted(
      'gateway_access_log_rebuilt_batches_total',
      'Access-log batches rebuilt under the head row lock (the head had moved or was unknown)',
      (s) => s.rebuiltBatches,
    );
    counted(
      'gateway_access_log_queued_for_leader_total',
      'Access-log entries this instance queued for the integrator leader',
      (s) => s.queuedForLeader,
    );
    counted(
      'gateway_access_log_integrated_from_queue_total',
      "Queued access-log entries (other instances' and intents) this instance integrated as leader",
      (s) => s.integratedFromQueue,
    );
    new Gauge({
      name: 'gateway_access_log_pending_entries',
      help: 'Entries waiting for an access-log transaction',
      registers: [metrics.registry],
      collect() {
        this.set(sequencer.pending);
      },
    });
    return sequencer;
  },
};

/** Registers the log's health check and drains the sequencer when the gateway stops. */
@Injectable()
export class AccessLogLifecycle implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    private readonly sequencer: LogSequencer,
    private readonly db: DataSource,
    private readonly health: HealthRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.health.register('accessLog', () => this.check());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sequencer.close();
  }

  /**
   * Writable means: the queue is not full, no batch failed in the last few seconds (a head that
   * cannot be parsed, a missing privilege), and the head row's lock can be taken soon (no
   * operator lock, not a read-only replica). The lock is held for a moment only, like a batch.
   */
  private async check(): Promise<void> {
    if (this.sequencer.pending >= MAX_PENDING_ENTRIES) throw new Error('the access-log queue is full');
    const failure = this.sequencer.failure;
    // /health is public: the cause goes to the log (onBatch), not into the answer.
    if (failure && Date.now() - failure.at < RECENT_FAILURE_MS) throw new Error('the last access-log batch failed');
    const lockTimeout = Math.min(1000, this.config.dbStatementTimeoutMs);
    await this.db.transaction(async (m) => {
      await m.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeout}ms`]);
      await m.query(`SELECT size FROM access_log_head WHERE id = 1 FOR UPDATE`);
    });
  }
}
