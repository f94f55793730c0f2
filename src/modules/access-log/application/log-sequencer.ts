/**
 * Group commit for the access log: appends wait in a queue, and a single flusher writes them in
 * batches, one transaction per batch, through a {@link LogBatchStore}.
 *
 * When the flusher is idle an append is written at once (after the current turn of the event
 * loop, so appends arriving together share the commit); under load, entries pile up while a
 * batch commits and go in the next one. A commit's cost is shared by the whole batch, which is
 * what takes the log from about a thousand appends per second (a transaction each) to tens of
 * thousands, with the same guarantee: append() resolves only after its entry's COMMIT.
 *
 * One batch at a time. With a store that has submit() (the shared integrator, on an instance that
 * does not lead), "a batch" is its durable step only: the wait for its integration overlaps the
 * next batches. A second batch in flight would only wait at the head-row lock until the
 * first commits, and sharing the queue between two batches halves them and so doubles the
 * commits: measured, that gave fewer appends per second, not more. The store, not the sequencer,
 * keeps the tree consistent: each batch is checked against the head under its lock, so a failed,
 * ambiguous or out-of-date batch never forks the tree, and several instances can share one
 * database.
 */
import type { AccessLogReceipt } from '../domain/access-log-entry.js';
import type { PreparedEntry } from '../domain/prepared-entry.js';

/**
 * Persists one batch atomically: all entries get consecutive indices and are durable, or none is
 * written. A log intent (an entry with an intentId) is integrated at most once: one already
 * integrated gets the receipt of that integration, and one that is not queued (never committed)
 * gets null.
 */
export interface LogBatchStore {
  append(entries: readonly PreparedEntry[]): Promise<(AccessLogReceipt | null)[]>;
  /**
   * Optional two-step form of append(): resolves once the batch is durable (committed to the
   * tree, or to the queue another instance integrates from), with the promise of its receipts,
   * which resolves once every entry is integrated. The sequencer starts its next batch as soon
   * as the first step is done. The receipts' promise may reject with a SequencerError (timeout:
   * the entries stay queued and are integrated later).
   */
  submit?(entries: readonly PreparedEntry[]): Promise<{ receipts: Promise<(AccessLogReceipt | null)[]> }>;
  close(): Promise<void>;
}

export interface SequencerOptions {
  /** Entries per transaction at most (LOG_BATCH_MAX_ENTRIES). */
  maxBatch: number;
  /** Queued entries at most; beyond, append() is refused at once rather than queueing into a timeout. */
  maxPending: number;
  /** An entry still queued (not yet in a transaction) this long after append() is given up. */
  queueTimeoutMs: number;
  /** Called after every batch, for metrics. */
  onBatch?: (size: number, ms: number, error?: unknown) => void;
}

/** Why an append failed; the writer turns every one of these into a 503. */
export class SequencerError extends Error {
  constructor(
    readonly reason: 'overloaded' | 'timeout' | 'closed' | 'write_failed' | 'no_such_intent',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SequencerError';
  }
}

interface Pending {
  entry: PreparedEntry;
  deadline: number;
  resolve: (receipt: AccessLogReceipt) => void;
  reject: (error: Error) => void;
}

export class LogSequencer {
  private queue: Pending[] = [];
  private flushing = false;
  private scheduled = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private readonly sweeper: NodeJS.Timeout;
  private lastFailure: { at: number; error: unknown } | undefined;
  /** Batches durable but not yet integrated (submit()'s second step), and their entry count. */
  private readonly integrating = new Set<Promise<void>>();
  private integratingEntries = 0;

  constructor(
    private readonly store: LogBatchStore,
    private readonly options: SequencerOptions,
  ) {
    // Deadlines are arrival + a constant, so the queue is ordered by deadline: the sweeper only
    // looks at its front, and one timer serves every pending append. A plain timer, not a
    // SchedulerRegistry job: it belongs to this object (close() clears it), which the unit tests build without Nest.
    this.sweeper = setInterval(() => this.expire(), Math.max(10, Math.min(100, options.queueTimeoutMs / 4)));
    this.sweeper.unref();
  }

  /** Entries waiting for a transaction, or (with a shared integrator) for their integration. */
  get pending(): number {
    return this.queue.length + this.integratingEntries;
  }

  /** The last failed batch, cleared by the next successful one (for /health). */
  get failure(): { at: number; error: unknown } | undefined {
    return this.lastFailure;
  }

  /**
   * Resolves with the entry's receipt once its batch has committed. For a log intent, that is
   * once it is integrated, by this batch or by an earlier one (another instance's, a sweeper's).
   */
  append(entry: PreparedEntry): Promise<AccessLogReceipt> {
    if (this.closed) return Promise.reject(new SequencerError('closed', 'the access log is shutting down'));
    if (this.pending >= this.options.maxPending) {
      return Promise.reject(new SequencerError('overloaded', `the access log has ${this.pending} entries waiting`));
    }
    return new Promise<AccessLogReceipt>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject, deadline: performance.now() + this.options.queueTimeoutMs });
      this.schedule();
    });
  }

  /** Stops taking entries, writes what is queued, and closes the store. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    // Lets an already scheduled flush start first (immediates run in order).
    await new Promise((resolve) => setImmediate(resolve));
    while (this.flushing || this.queue.length > 0) {
      if (!this.flushing) this.idle = this.drain();
      await this.idle;
    }
    while (this.integrating.size) await Promise.all([...this.integrating]);
    await this.store.close();
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    // setImmediate rather than a microtask: appends from requests handled in the same poll phase
    // of the event loop then share the first commit.
    setImmediate(() => {
      this.scheduled = false;
      if (!this.flushing) this.idle = this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch =
          this.queue.length <= this.options.maxBatch ? this.queue : this.queue.slice(0, this.options.maxBatch);
        this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
        await this.write(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    const started = performance.now();
    let receipts: Promise<(AccessLogReceipt | null)[]>;
    try {
      const entries = batch.map((p) => p.entry);
      receipts = this.store.submit
        ? (await this.store.submit(entries)).receipts
        : Promise.resolve(await this.store.append(entries));
    } catch (error) {
      this.fail(batch, started, error);
      return;
    }
    // Already settled when this instance integrated the batch itself; otherwise the next batch
    // starts while this one waits for the integrator.
    this.integratingEntries += batch.length;
    const settled = receipts.then(
      (r) => this.settle(batch, started, r),
      (error: unknown) => this.fail(batch, started, error),
    );
    const tracked = settled.finally(() => {
      this.integratingEntries -= batch.length;
      this.integrating.delete(tracked);
    });
    this.integrating.add(tracked);
  }

  private fail(batch: Pending[], started: number, error: unknown): void {
    // A wait for the integrator that timed out is not a failed write: the entries are durable.
    if (!(error instanceof SequencerError)) this.lastFailure = { at: Date.now(), error };
    this.options.onBatch?.(batch.length, performance.now() - started, error);
    const failure =
      error instanceof SequencerError
        ? error
        : new SequencerError('write_failed', 'the access-log batch could not be committed', { cause: error });
    for (const p of batch) p.reject(failure);
  }

  private settle(batch: Pending[], started: number, receipts: (AccessLogReceipt | null)[]): void {
    if (receipts.length !== batch.length) {
      this.fail(
        batch,
        started,
        new Error(`the store returned ${receipts.length} receipts for ${batch.length} entries`),
      );
      return;
    }
    this.lastFailure = undefined;
    this.options.onBatch?.(batch.length, performance.now() - started);
    for (let i = 0; i < batch.length; i++) {
      const receipt = receipts[i];
      if (receipt) batch[i].resolve(receipt);
      else
        batch[i].reject(
          new SequencerError(
            'no_such_intent',
            `log intent ${batch[i].entry.intentId} is neither queued nor integrated`,
          ),
        );
    }
  }

  private expire(): void {
    const now = performance.now();
    let n = 0;
    while (n < this.queue.length && this.queue[n].deadline <= now) n++;
    if (n === 0) return;
    const expired = this.queue.slice(0, n);
    this.queue = this.queue.slice(n);
    const error = new SequencerError('timeout', 'the access log did not take the entry in time');
    for (const p of expired) p.reject(error);
  }
}
