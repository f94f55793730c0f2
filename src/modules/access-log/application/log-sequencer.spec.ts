import { UnavailableException } from '@shared/errors/index.js';
import type { AccessLogEntryInput, AccessLogReceipt } from '../domain/access-log-entry.js';
import { prepareEntry, type PreparedEntry } from '../domain/prepared-entry.js';
import { AccessLogWriter } from './access-log.writer.js';
import { LogSequencer, SequencerError, type LogBatchStore, type SequencerOptions } from './log-sequencer.js';

/** A store whose batches complete when the test says so. */
class ManualStore implements LogBatchStore {
  readonly batches: { entries: readonly PreparedEntry[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  private size = 0;
  closed = false;

  append(entries: readonly PreparedEntry[]): Promise<AccessLogReceipt[]> {
    return new Promise((resolve, reject) => {
      this.batches.push({
        entries,
        resolve: () => {
          const base = this.size;
          this.size += entries.length;
          resolve(entries.map((_, i) => ({ index: base + i, leafHash: 'x', timestamp: 't' })));
        },
        reject,
      });
    });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const entry = (n: number): AccessLogEntryInput => ({
  actor: { org: 'police-cleveland', sub: 'user:pc-1', roles: [] },
  action: 'case.read',
  resource: { type: 'case', id: `X${String(n).padStart(6, '0')}` },
  decision: 'ALLOW',
  reasons: [],
  requestId: `r-${n}`,
});

const tick = () => new Promise((r) => setImmediate(r));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await tick();
  expect(check()).toBe(true);
}

describe(LogSequencer.name, () => {
  let store: ManualStore;
  let sut: LogSequencer;
  const make = (o: Partial<SequencerOptions> = {}) =>
    new LogSequencer(store, { maxBatch: 512, maxPending: 10_000, queueTimeoutMs: 60_000, ...o });

  beforeEach(() => {
    store = new ManualStore();
  });
  afterEach(async () => {
    for (const b of store.batches) b.resolve();
    await sut.close();
  });

  it('writes appends that arrive together in one batch, and resolves them only after it commits', async () => {
    sut = make();
    let settled = 0;
    const all = Promise.all(
      Array.from({ length: 100 }, (_, i) => sut.append(prepareEntry(entry(i))).finally(() => settled++)),
    );
    await until(() => store.batches.length === 1);
    expect(store.batches[0].entries).toHaveLength(100);
    await tick();
    expect(settled).toBe(0);
    store.batches[0].resolve();
    expect((await all).map((r) => r.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('queues entries arriving during a commit for the next batch, at most maxBatch per batch', async () => {
    sut = make({ maxBatch: 3 });
    const first = sut.append(prepareEntry(entry(0)));
    await until(() => store.batches.length === 1);
    const later = Array.from({ length: 5 }, (_, i) => sut.append(prepareEntry(entry(i + 1))));
    await tick();
    expect(store.batches).toHaveLength(1);
    store.batches[0].resolve();
    await first;
    await until(() => store.batches.length === 2);
    expect(store.batches[1].entries).toHaveLength(3);
    store.batches[1].resolve();
    await until(() => store.batches.length === 3);
    expect(store.batches[2].entries).toHaveLength(2);
    store.batches[2].resolve();
    expect((await Promise.all(later)).map((r) => r.index)).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects every waiter of a failed batch and carries on with the next', async () => {
    sut = make();
    const failed = Promise.allSettled([sut.append(prepareEntry(entry(0))), sut.append(prepareEntry(entry(1)))]);
    await until(() => store.batches.length === 1);
    const next = sut.append(prepareEntry(entry(2)));
    store.batches[0].reject(new Error('connection lost'));
    const outcomes = await failed;
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(SequencerError);
    expect(sut.failure).toBeDefined();
    await until(() => store.batches.length === 2);
    store.batches[1].resolve();
    expect((await next).index).toBe(0);
    expect(sut.failure).toBeUndefined();
  });

  it('refuses at once when too many entries wait', async () => {
    sut = make({ maxPending: 2 });
    const inFlight = sut.append(prepareEntry(entry(0)));
    await until(() => store.batches.length === 1);
    const queued = [sut.append(prepareEntry(entry(1))), sut.append(prepareEntry(entry(2)))];
    await expect(sut.append(prepareEntry(entry(3)))).rejects.toMatchObject({ reason: 'overloaded' });
    store.batches[0].resolve();
    await inFlight;
    await until(() => store.batches.length === 2);
    store.batches[1].resolve();
    await Promise.all(queued);
  });

  it('gives up on an entry still queued after queueTimeoutMs, without writing it later', async () => {
    sut = make({ queueTimeoutMs: 40 });
    const stuck = sut.append(prepareEntry(entry(0)));
    await until(() => store.batches.length === 1);
    const queued = sut.append(prepareEntry(entry(1)));
    await expect(queued).rejects.toMatchObject({ reason: 'timeout' });
    store.batches[0].resolve();
    await stuck;
    await tick();
    expect(store.batches).toHaveLength(1);
  });

  it('writes what is queued on close, then refuses new entries and closes the store', async () => {
    sut = make();
    const queued = sut.append(prepareEntry(entry(0)));
    const closing = sut.close();
    await until(() => store.batches.length === 1);
    store.batches[0].resolve();
    await closing;
    await expect(queued).resolves.toMatchObject({ index: 0 });
    expect(store.closed).toBe(true);
    await expect(sut.append(prepareEntry(entry(1)))).rejects.toMatchObject({ reason: 'closed' });
  });
});

/** A store that queues batches for an integrator elsewhere (a shared-integrator follower). */
class FollowerStore implements LogBatchStore {
  readonly submitted: { entries: readonly PreparedEntry[]; integrate: () => void; timeOut: () => void }[] = [];
  private size = 0;

  append(): Promise<AccessLogReceipt[]> {
    return Promise.reject(new Error('a follower only submits'));
  }

  submit(entries: readonly PreparedEntry[]): Promise<{ receipts: Promise<AccessLogReceipt[]> }> {
    let integrate!: () => void;
    let timeOut!: () => void;
    const receipts = new Promise<AccessLogReceipt[]>((resolve, reject) => {
      integrate = () => {
        const base = this.size;
        this.size += entries.length;
        resolve(entries.map((_, i) => ({ index: base + i, leafHash: 'x', timestamp: 't' })));
      };
      timeOut = () => reject(new SequencerError('timeout', 'not integrated in time; stays queued'));
    });
    this.submitted.push({ entries, integrate, timeOut });
    return Promise.resolve({ receipts });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe(`${LogSequencer.name} with a store that submits (shared-integrator follower)`, () => {
  it('starts the next batch once the first is durable, and resolves each entry once it is integrated', async () => {
    const store = new FollowerStore();
    const sut = new LogSequencer(store, { maxBatch: 512, maxPending: 10_000, queueTimeoutMs: 60_000 });
    const first = sut.append(prepareEntry(entry(0)));
    await until(() => store.submitted.length === 1);
    const second = sut.append(prepareEntry(entry(1)));
    // The first batch is not integrated yet, but the second is already submitted.
    await until(() => store.submitted.length === 2);
    expect(sut.pending).toBe(2);
    store.submitted[1].integrate();
    store.submitted[0].integrate();
    expect((await second).index).toBe(0);
    expect((await first).index).toBe(1);
    expect(sut.pending).toBe(0);
    await sut.close();
  });

  it("passes an integration timeout on as 'timeout' (a 503), without marking the log failed", async () => {
    const store = new FollowerStore();
    const sut = new LogSequencer(store, { maxBatch: 512, maxPending: 10_000, queueTimeoutMs: 60_000 });
    const waiting = sut.append(prepareEntry(entry(0)));
    await until(() => store.submitted.length === 1);
    store.submitted[0].timeOut();
    await expect(waiting).rejects.toMatchObject({ reason: 'timeout' });
    expect(sut.failure).toBeUndefined();
    await sut.close();
  });

  it('counts entries waiting for integration against maxPending', async () => {
    const store = new FollowerStore();
    const sut = new LogSequencer(store, { maxBatch: 512, maxPending: 2, queueTimeoutMs: 60_000 });
    const waiting = [sut.append(prepareEntry(entry(0))), sut.append(prepareEntry(entry(1)))];
    await until(() => store.submitted.length === 1);
    await expect(sut.append(prepareEntry(entry(2)))).rejects.toMatchObject({ reason: 'overloaded' });
    store.submitted[0].integrate();
    await Promise.all(waiting);
    await sut.close();
  });
});

describe(AccessLogWriter.name, () => {
  it('fails closed: a failed write is a 503 access_log_unavailable', async () => {
    const store: LogBatchStore = {
      append: () => Promise.reject(new Error('ECONNREFUSED')),
      close: () => Promise.resolve(),
    };
    const sequencer = new LogSequencer(store, { maxBatch: 10, maxPending: 10, queueTimeoutMs: 1000 });
    const sut = new AccessLogWriter(sequencer);
    const error = await sut.append(entry(0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableException);
    expect(error).toMatchObject({ code: 'access_log_unavailable', kind: 'unavailable' });
    await sequencer.close();
  });
});
