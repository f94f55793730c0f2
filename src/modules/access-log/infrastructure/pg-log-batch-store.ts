import pg from 'pg';
import { connectPg, pgConnection } from '@shared/database/pg-connection.js';
import { appendLeaves, frontierFromJson, frontierToJson, leafHash, type Frontier } from '../domain/merkle/index.js';
import type { AccessLogReceipt } from '../domain/access-log-entry.js';
import { preparedEntryOf, sealEntry, type PreparedEntry } from '../domain/prepared-entry.js';
import { SequencerError, type LogBatchStore } from '../application/log-sequencer.js';

export interface PgLogBatchStoreOptions {
  connectionString: string;
  /** Per statement, including the commit's WAL flush. */
  statementTimeoutMs: number;
  /** How long a batch waits for the head row's lock (held by another instance's batch, or an operator). */
  lockTimeoutMs: number;
  connectTimeoutMs: number;
  applicationName?: string;
  onConnectionError?: (error: Error) => void;
  /**
   * LOG_INTEGRATOR=shared: one store at a time (across every instance on the database) integrates,
   * for all. Unset (LOG_INTEGRATOR=each): every store integrates its own batches.
   */
  shared?: SharedIntegratorOptions;
}

export interface SharedIntegratorOptions {
  /** How often a follower tries to take the lead, and a leader looks for queued entries it was not told of. */
  retryMs: number;
  /** How long a follower waits for its entries' integration; then they stay queued, and append() rejects (timeout). */
  waitTimeoutMs: number;
  /** Most entries one integration transaction holds. */
  maxBatch: number;
  /** Called when this store starts (true) or stops (false) leading. */
  onRole?: (leading: boolean) => void;
  /** The notification connection failed (it is reopened on the next retry). */
  onListenError?: (error: Error) => void;
}

/** Counts since the store was made, for metrics and the scale-out benchmark. */
export interface LogStoreStats {
  /** Batches written in one round trip on the head this store knew. */
  fastBatches: number;
  /** Batches rebuilt under the head row's lock (the head had moved, or was unknown). */
  rebuiltBatches: number;
  /** Entries this store, not leading, queued for the leader. */
  queuedForLeader: number;
  /** Entries this store, leading, took from the queue (other instances' entries and intents). */
  integratedFromQueue: number;
  leading: boolean;
}

// The head as this store last wrote it (or read it under its lock): what the next batch builds
// on. Stale after another instance appended, which APPEND's check makes harmless.
interface Head {
  size: number;
  frontier: Frontier;
  /** frontierToJson(frontier) as JSON text, compared with the stored jsonb. */
  frontierJson: string;
  lastMs: number;
}

/** Told after a commit that integrated queued entries: followers then read their receipts. */
const INTEGRATED_CHANNEL = 'access_log_integrated';
/** Told after a follower queued entries for the leader. */
const QUEUED_CHANNEL = 'access_log_queued';

// The shared integrator's lock: a session-level advisory lock on the store's own connection, so
// it is held exactly as long as that session lives (a crash, a killed backend or a failover ends
// it). hashtextextended is stable across PostgreSQL versions. pg_locks shows the leader's
// session: locktype 'advisory', objsubid 1, the key's halves in classid and objid.
export const INTEGRATOR_LOCK_KEY = `hashtextextended('probation-gateway:access-log-integrator', 0)`;
const TRY_LEAD = `SELECT pg_try_advisory_lock(${INTEGRATOR_LOCK_KEY}) AS held`;

// A follower's batch: queued in one statement (its own transaction), which wakes the leader on
// commit. Each entry carries its position (k), so the ids come back in the batch's order.
const QUEUE_ENTRIES = `
  WITH q AS (
    INSERT INTO access_log_queue (entry) SELECT x.e FROM json_array_elements($1::json) AS x(e) RETURNING id, (entry->>'k')::int AS k
  )
  SELECT array_agg(id::text ORDER BY k) AS ids, pg_notify('${QUEUED_CHANNEL}', '') AS woke FROM q`;
const WAKE = `SELECT pg_notify('${QUEUED_CHANNEL}', '') AS woke`;

// What the leader takes from the queue, oldest first, leaving out its own batch's intents.
const PULL = `SELECT id::text AS id, entry FROM access_log_queue WHERE id <> ALL($1::bigint[]) ORDER BY id LIMIT $2`;

// A follower's receipts: one snapshot sees an intent either queued or integrated (integration
// moves it from one to the other in one statement), so neither means it was never committed.
const RECEIPTS = `
  SELECT w.id::text AS id, e.idx, e.leaf_hash, e.ts, (q.id IS NOT NULL) AS queued
    FROM unnest($1::bigint[]) AS w(id)
    LEFT JOIN access_log_entries e ON e.intent_id = w.id
    LEFT JOIN access_log_queue q ON q.id = w.id`;

/** A leader that heard from no follower for this long stops announcing its own intents' integration. */
const FOLLOWERS_QUIET_MS = 30_000;

/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more; a longer one is sent empty (followers then look up). */
const MAX_PAYLOAD = 7900;

/** How long a shared-integrator store's session may stay idle before the server ends it (ten ticks, at least 1 s). */
export function idleSessionTimeoutMs(shared: Pick<SharedIntegratorOptions, 'retryMs'>): number {
  return Math.max(1000, shared.retryMs * 10);
}

/** Receipts of intents this store integrated lately, kept so a late handler needs no round trip. */
const RECENT_INTENTS = 10_000;

// Opens a transaction and takes the head row's lock: the slow path, when this store does not know
// the head (first batch, after any failure, or after another instance appended).
const LOCK_HEAD = `BEGIN; SELECT size, frontier, last_timestamp FROM access_log_head WHERE id = 1 FOR UPDATE`;

// One statement appends a batch if, and only if, the head under its row lock is exactly the one
// the batch was built on ($1 size, $11 frontier) and every log intent of the batch ($12) is still
// queued: the UPDATE takes the lock and checks both, and the inserts and the queue's DELETE only
// take rows from its result, so a stale batch writes nothing. The queue check reads the
// statement's snapshot, which is enough: intents leave the queue only by an integration, an
// integration always moves the head, and a head moved since the snapshot fails the size check
// (PostgreSQL re-checks the locked row's newest version). The unique intent_id on entries is
// the backstop: an intent integrated twice fails the whole statement. Run on its own it is its
// own transaction: lock, write, WAL flush and answer in one round trip. The SQL text is the
// same whatever the batch size. Entry bytes and hashes travel as one binary parameter each
// (node-postgres sends Buffers in binary) cut apart by offset, because a bytea[] parameter goes
// as hex text that the server must parse element by element; the searchable columns travel as
// one JSON array, which costs far less to encode here than nine text[] parameters. With $13 (the
// shared integrator's announcement of the receipts) it NOTIFYs on commit, and only when the batch
// was written: a stale batch announces nothing, since its indices are not the ones it would get.
const APPEND = `
  WITH head AS (
    UPDATE access_log_head SET size = $9, frontier = $10::jsonb, last_timestamp = $2::timestamptz, updated_at = now()
     WHERE id = 1 AND size = $1 AND frontier = $11::jsonb AND (last_timestamp IS NULL OR last_timestamp <= $2::timestamptz)
       AND (SELECT count(*) FROM access_log_queue WHERE id = ANY($12::bigint[])) = cardinality($12::bigint[])
    RETURNING size
  ), integrated AS (
    DELETE FROM access_log_queue q USING head WHERE q.id = ANY($12::bigint[]) RETURNING q.id
  ), entries AS (
    INSERT INTO access_log_entries (idx, ts, leaf_hash, entry, action, decision, actor_org, actor_sub, owner_org, recipient_org, crn, purpose, break_glass, intent_id)
    SELECT $1::bigint + e.i, $2::timestamptz, substring($3::bytea FROM e.i * 32 + 1 FOR 32), substring($4::bytea FROM e.o + 1 FOR e.l),
           e.action, e.decision, e.actor_org, e.actor_sub, e.owner_org, e.recipient_org, e.crn, e.purpose, e.break_glass, e.intent
      FROM head, json_to_recordset($5::json) AS e(i int, o int, l int, action text, decision text, actor_org text, actor_sub text,
                                                   owner_org text, recipient_org text, crn text, purpose text, break_glass boolean, intent bigint)
  ), nodes AS (
    INSERT INTO access_log_nodes (level, idx, hash)
    SELECT n.level, n.idx, substring($8::bytea FROM (n.ord::int - 1) * 32 + 1 FOR 32)
      FROM head, unnest($6::smallint[], $7::bigint[]) WITH ORDINALITY AS n(level, idx, ord)
  )
  SELECT count(*)::int AS appended, CASE WHEN $13::text IS NOT NULL AND count(*) > 0 THEN pg_notify('${INTEGRATED_CHANNEL}', $13::text) END AS notified FROM head`;

// Under the head lock (so no integration can run meanwhile): which of a batch's intents are still
// queued, and the receipts of those already integrated (by a sweeper or another instance).
const QUEUED = `SELECT id::text AS id FROM access_log_queue WHERE id = ANY($1::bigint[])`;
const INTEGRATED = `SELECT intent_id::text AS intent, idx, leaf_hash, ts FROM access_log_entries WHERE intent_id = ANY($1::bigint[])`;

/**
 * Writes sequencer batches to PostgreSQL over a dedicated connection, so request handlers that
 * exhaust the main pool while they wait for their entry can never starve the log of the
 * connection it needs to write that entry.
 *
 * A batch is built on the head this store left and written only if the head under its row lock
 * is exactly that and its log intents are all still queued: one round trip that locks, checks,
 * writes and commits. Otherwise (another instance appended, an intent was integrated elsewhere,
 * or nothing is known after a start or a failure) it is rebuilt under the lock, without the
 * intents already integrated, whose receipts are read from their entries.
 *
 * With `shared` (LOG_INTEGRATOR=shared, the default), one store across all instances integrates:
 * the one whose connection holds the integrator's advisory lock (the leader). It writes its own
 * batches as above, plus whatever other instances queued, so its head stays its own and its
 * batches take the one-round-trip path. A follower never touches the head: it inserts its batch
 * into access_log_queue (one statement, which wakes the leader through NOTIFY) and resolves
 * each entry's receipt once the leader has integrated it (the leader NOTIFYs after each
 * integration that took queued entries; followers then read receipts by intent id). Followers
 * try to take the lead every `retryMs` and when a wait times out, so a leader whose session ended
 * is replaced within about `retryMs`. The head's compare-and-set stays the fence: two stores that
 * both believe they lead rebuild under the head lock and never fork the tree. An entry queued
 * but not integrated before its wait timed out stays queued and is integrated later, by
 * whichever store leads then (like a change's intent).
 */
export class PgLogBatchStore implements LogBatchStore {
  private readonly pool: pg.Pool;
  private readonly onError: (e: Error) => void;
  private known: Head | undefined;
  private readonly counts: Omit<LogStoreStats, 'leading'> = {
    fastBatches: 0,
    rebuiltBatches: 0,
    queuedForLeader: 0,
    integratedFromQueue: 0,
  };

  // The shared integrator's state (unused without `shared`).
  private readonly shared: SharedIntegratorOptions | undefined;
  /** The connection holding the integrator lock; any other connection (a new session) does not. */
  private lockedOn: pg.PoolClient | undefined;
  private lastTry = -Infinity;
  /** Operations on the connection, one at a time: the sequencer's batches, pumps and lead attempts. */
  private turn: Promise<unknown> = Promise.resolve();
  /** Wake-ups received (and assumed) versus taken care of: more received means the queue may hold work. */
  private signals = 0;
  private drained = 0;
  /** When a follower last queued something (or woke the leader for its intents). */
  private followerHeardAt = -Infinity;
  private pumpScheduled = false;
  /** Integrations announced: a follower that registered its waits late looks up its receipts at once. */
  private generation = 0;
  private readonly waiters = new Map<string, ((r: AccessLogReceipt | null) => void)[]>();
  /** The entry each waited-for id holds, to make its receipt from an announced index. */
  private readonly waiting = new Map<string, PreparedEntry>();
  private readonly recent = new Map<string, AccessLogReceipt>();
  private listener: pg.Client | undefined;
  private listening: Promise<void> | undefined;
  private lookup: { again: boolean } | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(private readonly options: PgLogBatchStoreOptions) {
    this.onError = (e) => options.onConnectionError?.(e);
    this.shared = options.shared;
    this.pool = new pg.Pool({
      // One host, or several with the primary found by our connection layer.
      ...pgConnection(options.connectionString),
      max: 1,
      // The shared integrator's lock lives as long as the session: an idle leader keeps it.
      idleTimeoutMillis: options.shared ? 0 : 60_000,
      connectionTimeoutMillis: options.connectTimeoutMs,
      statement_timeout: options.statementTimeoutMs,
      lock_timeout: options.lockTimeoutMs,
      query_timeout: options.statementTimeoutMs + 1000,
      idle_in_transaction_session_timeout: Math.max(options.statementTimeoutMs * 2, 10_000),
      application_name: this.applicationName,
      keepAlive: true,
      // A shared-integrator store uses its session at least every retryMs (its tick). A session
      // idle far longer belongs to a process that stopped running (frozen, or its event loop
      // blocked) while its connection lives: the server ends it, and with it the lock, so a
      // frozen leader is replaced within this bound rather than never.
      ...(options.shared ? { options: `-c idle_session_timeout=${idleSessionTimeoutMs(options.shared)}` } : {}),
    });
    // A connection that dies emits 'error'; without a listener the process would crash. The pool
    // listens only while a client is idle, and a broken client can still emit after it was
    // released (the server's termination notice arriving after the failed query), so every
    // client keeps a listener for its whole life.
    this.pool.on('error', this.onError);
    this.pool.on('connect', (client) => client.on('error', this.onError));
    if (this.shared) {
      this.timer = setInterval(() => this.tick(), this.shared.retryMs);
      this.timer.unref();
    }
  }

  private get applicationName(): string {
    return this.options.applicationName ?? 'probation-gateway-access-log';
  }

  get stats(): LogStoreStats {
    return { ...this.counts, leading: this.lockedOn !== undefined };
  }

  /**
   * Appends the batch atomically and answers, in order, each entry's receipt: for an intent
   * already integrated, the receipt of that integration; null for an intent that is neither
   * queued nor integrated (its transaction never committed). Usually one round trip, built on
   * the head this store wrote last; when that is not the head any more (or unknown), or an
   * intent has left the queue, the head is read under its lock and the batch rebuilt on it.
   * Nothing is trusted across a failure. On a shared-integrator follower, resolves once the
   * leader has integrated the batch (see submit()).
   */
  async append(entries: readonly PreparedEntry[]): Promise<(AccessLogReceipt | null)[]> {
    return (await this.submit(entries)).receipts;
  }

  /**
   * Resolves once the batch is durable: written to the tree (by this store, when it integrates),
   * or queued for the leader. Its `receipts` resolve once every entry is integrated, or reject
   * with SequencerError `timeout` after `waitTimeoutMs`: the entries then stay queued and are
   * integrated later, whoever leads.
   */
  async submit(entries: readonly PreparedEntry[]): Promise<{ receipts: Promise<(AccessLogReceipt | null)[]> }> {
    // An intent handed in twice (by its handler and by a sweeper) is written once.
    const firstOf = new Map<string, number>();
    const unique: PreparedEntry[] = [];
    const position = entries.map((e) => {
      if (e.intentId === undefined) return unique.push(e) - 1;
      let at = firstOf.get(e.intentId);
      if (at === undefined) firstOf.set(e.intentId, (at = unique.push(e) - 1));
      return at;
    });
    if (this.shared) this.listen();
    const { receipts } = await this.exclusive(() => this.submitUnique(unique));
    if (this.shared && this.lockedOn && this.signals > this.drained) this.schedulePump();
    return { receipts: receipts.then((r) => position.map((i) => r[i])) };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn, fn);
    this.turn = run.catch(() => undefined);
    return run;
  }

  // The receipts' promise travels in an object: returned bare, the async function would wait for it.
  private async submitUnique(
    entries: readonly PreparedEntry[],
  ): Promise<{ receipts: Promise<(AccessLogReceipt | null)[]> }> {
    const client = await this.pool.connect();
    let failed = true;
    try {
      let result: Promise<(AccessLogReceipt | null)[]>;
      if (!this.shared || (await this.leads(client, false)))
        result = Promise.resolve(await this.integrate(client, entries));
      else result = (await this.enqueue(client, entries)).receipts;
      failed = false;
      return { receipts: result };
    } finally {
      this.release(client, failed);
    }
  }

  private release(client: pg.PoolClient, failed: boolean): void {
    if (failed) {
      this.known = undefined;
      // The session is discarded, and the integrator lock with it.
      if (this.lockedOn === client) {
        this.lockedOn = undefined;
        this.shared?.onRole?.(false);
      }
    }
    // After any failure the connection is discarded, not rolled back and reused: it may be
    // broken, or mid-transaction, and the next batch will open a fresh one (a new session,
    // which does not hold the integrator lock).
    client.release(failed);
  }

  /**
   * True when `client`'s session holds the integrator lock; tries to take it when it does not
   * and the last try is `retryMs` old (or `now`).
   */
  private async leads(client: pg.PoolClient, now: boolean): Promise<boolean> {
    if (this.lockedOn === client) return true;
    if (this.lockedOn) {
      // The session that held the lock is gone (the pool replaced a broken connection).
      this.lockedOn = undefined;
      this.shared?.onRole?.(false);
    }
    const at = performance.now();
    if (!now && at - this.lastTry < this.shared!.retryMs) return false;
    this.lastTry = at;
    const { rows } = await client.query<{ held: boolean }>(TRY_LEAD);
    if (!rows[0]?.held) return false;
    this.lockedOn = client;
    // Whatever was queued while nobody led is this store's to integrate now.
    this.signals++;
    this.known = undefined;
    this.shared?.onRole?.(true);
    return true;
  }

  /**
   * Integrates `own` (the sequencer's batch, possibly empty) and, when leading and the queue may
   * hold entries, as many queued ones as the batch has room for. Answers `own`'s receipts.
   */
  private async integrate(client: pg.PoolClient, own: readonly PreparedEntry[]): Promise<(AccessLogReceipt | null)[]> {
    let cached: Map<string, AccessLogReceipt> | undefined;
    let fresh = own;
    if (this.recent.size) {
      for (const e of own) {
        const r = e.intentId === undefined ? undefined : this.recent.get(e.intentId);
        if (r) (cached ??= new Map()).set(e.intentId!, r);
      }
      if (cached) fresh = own.filter((e) => e.intentId === undefined || !cached!.has(e.intentId));
    }
    let all = fresh;
    if (this.shared && this.lockedOn && this.signals > this.drained && fresh.length < this.shared.maxBatch) {
      const seen = this.signals;
      const room = this.shared.maxBatch - fresh.length;
      const mine = fresh.flatMap((e) => (e.intentId === undefined ? [] : [e.intentId]));
      const rows = (await client.query<{ id: string; entry: unknown }>(PULL, [mine, room])).rows;
      if (rows.length < room) this.drained = seen;
      if (rows.length) {
        const pulled = rows.flatMap((r) => {
          const p = preparedEntryOf(r.entry);
          return p ? [{ ...p, intentId: r.id }] : [];
        });
        this.counts.integratedFromQueue += pulled.length;
        all = [...fresh, ...pulled];
      }
    }
    // Followers wait for their queued entries and their intents: tell them after the commit. A
    // batch with neither pulled entries nor any follower heard from lately (a single instance's
    // changes) tells nobody, so a lone instance pays nothing for the notification; a follower
    // missed that way still finds its receipt at its next tick.
    const notify =
      all.length > fresh.length ||
      (performance.now() - this.followerHeardAt < FOLLOWERS_QUIET_MS && fresh.some((e) => e.intentId !== undefined));
    const receipts = all.length ? await this.appendOn(client, all, notify) : [];
    if (this.shared) this.settleIntents(all, receipts);
    if (!cached) return receipts.slice(0, own.length);
    let k = 0;
    return own.map((e) =>
      e.intentId !== undefined && cached.has(e.intentId) ? cached.get(e.intentId)! : receipts[k++],
    );
  }

  /** Remembers integrated intents' receipts and answers this store's own waits for them. */
  private settleIntents(entries: readonly PreparedEntry[], receipts: readonly (AccessLogReceipt | null)[]): void {
    for (let i = 0; i < entries.length; i++) {
      const id = entries[i].intentId;
      const r = receipts[i];
      if (id === undefined || !r) continue;
      this.recent.set(id, r);
      if (this.recent.size > RECENT_INTENTS) this.recent.delete(this.recent.keys().next().value!);
      this.answer(id, r);
    }
  }

  private answer(id: string, r: AccessLogReceipt | null): void {
    const waits = this.waiters.get(id);
    if (!waits) return;
    this.waiters.delete(id);
    this.waiting.delete(id);
    for (const w of waits) w(r);
  }

  /** A follower's batch: queued (durable) now, its receipts once the leader has integrated it. */
  private async enqueue(
    client: pg.PoolClient,
    entries: readonly PreparedEntry[],
  ): Promise<{ receipts: Promise<(AccessLogReceipt | null)[]> }> {
    const generation = this.generation;
    const fresh: object[] = [];
    for (const e of entries)
      if (e.intentId === undefined) fresh.push({ head: e.head, tail: e.tail, columns: e.columns, k: fresh.length });
    let ids: string[] = [];
    if (fresh.length) {
      const { rows } = await client.query<{ ids: string[] }>({
        name: 'access-log-queue',
        text: QUEUE_ENTRIES,
        values: [JSON.stringify(fresh)],
      });
      ids = rows[0]?.ids ?? [];
      if (ids.length !== fresh.length) throw new Error(`queued ${ids.length} of ${fresh.length} access-log entries`);
      this.counts.queuedForLeader += ids.length;
    } else {
      await client.query({ name: 'access-log-wake', text: WAKE });
    }
    let k = 0;
    const wanted = entries.map((e) => {
      const id = e.intentId ?? ids[k++];
      this.waiting.set(id, e);
      return id;
    });
    const receipts = this.waitFor(wanted);
    // Intents may be integrated already, and a notification may have arrived before the waits.
    if (fresh.length < entries.length || generation !== this.generation) this.lookUp();
    return { receipts };
  }

  private waitFor(ids: readonly string[]): Promise<(AccessLogReceipt | null)[]> {
    return new Promise((resolve, reject) => {
      const out = new Array<AccessLogReceipt | null>(ids.length);
      let left = ids.length;
      const registered: [string, (r: AccessLogReceipt | null) => void][] = [];
      const timeout = setTimeout(() => {
        for (const [id, w] of registered) {
          const rest = this.waiters.get(id)?.filter((x) => x !== w);
          if (rest?.length) this.waiters.set(id, rest);
          else {
            this.waiters.delete(id);
            this.waiting.delete(id);
          }
        }
        // Nobody integrated in time: perhaps nobody leads. Try now rather than at the next tick.
        this.tick();
        reject(
          new SequencerError(
            'timeout',
            'the access-log integrator did not integrate the entries in time; they stay queued and will be integrated later',
          ),
        );
      }, this.shared!.waitTimeoutMs);
      ids.forEach((id, i) => {
        const w = (r: AccessLogReceipt | null) => {
          out[i] = r;
          if (--left === 0) {
            clearTimeout(timeout);
            resolve(out);
          }
        };
        registered.push([id, w]);
        const list = this.waiters.get(id);
        if (list) list.push(w);
        else this.waiters.set(id, [w]);
      });
      if (ids.length === 0) {
        clearTimeout(timeout);
        resolve(out);
      }
    });
  }

  /** Reads the receipts of every entry waited for (coalesced: one query at a time, then once more). */
  private lookUp(): void {
    if (this.lookup) {
      this.lookup.again = true;
      return;
    }
    const state = { again: false };
    this.lookup = state;
    void (async () => {
      do {
        state.again = false;
        const client = this.listener;
        const ids = [...this.waiters.keys()];
        if (!client || !ids.length) break;
        const rows = (
          await client.query<{
            id: string;
            idx: string | null;
            leaf_hash: Buffer | null;
            ts: Date | null;
            queued: boolean;
          }>({ name: 'access-log-receipts', text: RECEIPTS, values: [ids] })
        ).rows;
        for (const r of rows) {
          if (r.idx !== null && r.leaf_hash && r.ts)
            this.answer(r.id, {
              index: Number(r.idx),
              leafHash: r.leaf_hash.toString('base64'),
              timestamp: r.ts.toISOString(),
            });
          else if (!r.queued) this.answer(r.id, null);
        }
      } while (state.again);
    })()
      .catch((e: unknown) => this.shared?.onListenError?.(e as Error))
      .finally(() => (this.lookup = undefined));
  }

  /** Opens the notification connection unless it is open or opening. */
  private listen(): void {
    if (this.listener || this.listening || this.closing) return;
    this.listening = (async () => {
      const client = await connectPg(this.options.connectionString, {
        application_name: `${this.applicationName} (listener)`,
        connectionTimeoutMillis: this.options.connectTimeoutMs,
        statement_timeout: this.options.statementTimeoutMs,
        keepAlive: true,
      });
      const drop = () => {
        if (this.listener === client) this.listener = undefined;
      };
      client.on('error', drop);
      client.on('end', drop);
      client.on('notification', (m) => this.notified(m.channel, m.payload));
      await client.query(`LISTEN ${QUEUED_CHANNEL}; LISTEN ${INTEGRATED_CHANNEL}`);
      if (this.closing) {
        await client.end();
        return;
      }
      this.listener = client;
      // Anything announced before LISTEN took effect: look once.
      this.generation++;
      this.signals++;
      if (this.waiters.size) this.lookUp();
      if (this.lockedOn) this.schedulePump();
    })()
      .catch((e: unknown) => this.shared?.onListenError?.(e as Error))
      .finally(() => (this.listening = undefined));
  }

  private notified(channel: string, payload: string | undefined): void {
    if (channel === QUEUED_CHANNEL) {
      this.signals++;
      this.followerHeardAt = performance.now();
      if (this.lockedOn) this.schedulePump();
    } else if (channel === INTEGRATED_CHANNEL) {
      this.generation++;
      if (this.waiters.size && !(payload && this.announced(payload))) this.lookUp();
    }
  }

  /**
   * Answers the waits an integration announced (see integratedPayload): each receipt is made
   * here from the entry this store queued, its announced index and the batch's timestamp, which
   * is exactly what the leader hashed. False when the payload cannot be read (then look up).
   */
  private announced(payload: string): boolean {
    const [timestamp, ...runs] = payload.split(';');
    if (!timestamp || Number.isNaN(Date.parse(timestamp))) return false;
    for (const run of runs) {
      const [id, index, length] = run.split(':').map(Number);
      if (![id, index, length].every(Number.isSafeInteger)) return false;
      for (let k = 0; k < length; k++) {
        const key = String(id + k);
        const e = this.waiting.get(key);
        if (!e) continue;
        const at = index + k;
        this.answer(key, { index: at, leafHash: leafHash(sealEntry(e, at, timestamp)).toString('base64'), timestamp });
      }
    }
    return true;
  }

  /** When leading: one integration of queued entries (then another, if more may be queued). */
  private schedulePump(): void {
    if (this.pumpScheduled || this.closing) return;
    this.pumpScheduled = true;
    void this.exclusive(async () => {
      this.pumpScheduled = false;
      if (this.signals <= this.drained) return;
      const client = await this.pool.connect();
      let failed = true;
      try {
        if (await this.leads(client, false)) await this.integrate(client, []);
        failed = false;
      } finally {
        this.release(client, failed);
      }
      if (this.lockedOn && this.signals > this.drained) this.schedulePump();
    }).catch((e: unknown) => this.onError(e as Error));
  }

  /**
   * Every `retryMs`: (re)opens the notification connection; a follower tries to take the lead; a
   * leader looks at the queue even without a notification (one may have been lost); waits look
   * for their receipts.
   */
  private tick(): void {
    if (this.closing) return;
    this.listen();
    if (this.waiters.size) this.lookUp();
    void this.exclusive(async () => {
      const client = await this.pool.connect();
      let failed = true;
      try {
        await this.leads(client, true);
        failed = false;
      } finally {
        this.release(client, failed);
      }
    })
      .then(() => {
        if (this.lockedOn) {
          this.signals++;
          this.schedulePump();
        }
      })
      .catch(() => undefined);
  }

  private async appendOn(
    client: pg.PoolClient,
    entries: readonly PreparedEntry[],
    notify: boolean,
  ): Promise<(AccessLogReceipt | null)[]> {
    if (this.known) {
      const batch = buildBatch(this.known, entries, notify);
      if (await this.write(client, batch, true)) {
        this.known = batch.next;
        this.counts.fastBatches++;
        return batch.receipts;
      }
    }
    this.counts.rebuiltBatches++;
    const results = (await client.query(LOCK_HEAD)) as unknown as pg.QueryResult<HeadRow>[];
    const head = headOf(results[1]?.rows[0]);
    const settled = await settledIntents(client, entries);
    const rest = settled.size ? entries.filter((e) => e.intentId === undefined || !settled.has(e.intentId)) : entries;
    let next = head;
    let written: AccessLogReceipt[] = [];
    if (rest.length) {
      const batch = buildBatch(head, rest, notify);
      if (!(await this.write(client, batch, false)))
        throw new Error('the access-log head changed while its lock was held');
      next = batch.next;
      written = batch.receipts;
    }
    await client.query('COMMIT');
    this.known = next;
    if (!settled.size) return written;
    let k = 0;
    return entries.map((e) =>
      e.intentId !== undefined && settled.has(e.intentId) ? settled.get(e.intentId)! : written[k++],
    );
  }

  /** True when the batch was written (the head was the one it was built on). */
  private async write(client: pg.PoolClient, batch: Batch, alone: boolean): Promise<boolean> {
    // Named, so each connection parses and plans the statement once: planning it on every batch
    // cost about as much as executing it.
    try {
      const result = await client.query<{ appended: number }>({
        name: 'access-log-append',
        text: APPEND,
        values: batch.params,
      });
      return result.rows[0]?.appended === 1;
    } catch (e) {
      // Run alone, a statement that found an intent already integrated rolled itself back: the
      // batch is rebuilt under the lock like a stale one.
      if (
        alone &&
        (e as { code?: string }).code === '23505' &&
        (e as { constraint?: string }).constraint === 'access_log_entries_intent_id_key'
      )
        return false;
      throw e;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    await this.turn;
    await this.listening;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    // Ending the session releases the integrator lock: another instance leads within retryMs.
    await this.pool.end();
  }
}

interface Batch {
  params: unknown[];
  receipts: AccessLogReceipt[];
  next: Head;
}

interface HeadRow {
  size: string;
  frontier: unknown;
  last_timestamp: Date | null;
}

function headOf(row: HeadRow | undefined): Head {
  if (!row) throw new Error('the access_log_head row is missing');
  const size = Number(row.size);
  const frontier = frontierFromJson(row.frontier);
  if (frontier.size !== size)
    throw new Error(`access_log_head is inconsistent: size ${size}, frontier for ${frontier.size}`);
  return {
    size,
    frontier,
    frontierJson: JSON.stringify(frontierToJson(frontier)),
    lastMs: row.last_timestamp?.getTime() ?? 0,
  };
}

/**
 * The batch's intents that are no longer queued (read under the head lock): each mapped to the
 * receipt of its entry, or to null when it was never committed.
 */
async function settledIntents(
  client: pg.PoolClient,
  entries: readonly PreparedEntry[],
): Promise<Map<string, AccessLogReceipt | null>> {
  const intents = entries.flatMap((e) => (e.intentId === undefined ? [] : [e.intentId]));
  const settled = new Map<string, AccessLogReceipt | null>();
  if (!intents.length) return settled;
  const queued = new Set((await client.query<{ id: string }>(QUEUED, [intents])).rows.map((r) => r.id));
  const gone = intents.filter((id) => !queued.has(id));
  if (!gone.length) return settled;
  for (const id of gone) settled.set(id, null);
  const rows = (await client.query<{ intent: string; idx: string; leaf_hash: Buffer; ts: Date }>(INTEGRATED, [gone]))
    .rows;
  for (const r of rows)
    settled.set(r.intent, {
      index: Number(r.idx),
      leafHash: r.leaf_hash.toString('base64'),
      timestamp: r.ts.toISOString(),
    });
  return settled;
}

/**
 * What the leader announces after integrating a batch: its timestamp, then the batch's intents
 * as runs `firstId:firstIndex:length` of consecutive ids at consecutive indices (a follower's
 * batch is one run), separated by ';'. Empty when too long for NOTIFY: followers then look up.
 */
function integratedPayload(entries: readonly PreparedEntry[], base: number, timestamp: string): string {
  let out = timestamp;
  let run: [number, number, number] | undefined;
  const flush = () => {
    if (run) out += `;${run[0]}:${run[1]}:${run[2]}`;
  };
  for (let i = 0; i < entries.length; i++) {
    const id = entries[i].intentId;
    if (id === undefined) continue;
    const n = Number(id);
    if (run && n === run[0] + run[2] && base + i === run[1] + run[2]) run[2]++;
    else {
      flush();
      run = [n, base + i, 1];
    }
  }
  flush();
  return out.length <= MAX_PAYLOAD ? out : '';
}

/** Seals the entries at their indices, hashes them, and extends the tree: everything APPEND needs. */
function buildBatch(head: Head, entries: readonly PreparedEntry[], notify: boolean): Batch {
  // One time per batch, never before the previous batch's, so timestamps never go back as
  // indices grow, even across instances whose clocks differ slightly.
  const ms = Math.max(Date.now(), head.lastMs);
  const timestamp = new Date(ms).toISOString();
  const n = entries.length;
  const bytes = new Array<Buffer>(n);
  const leaves = new Array<Buffer>(n);
  const rows = new Array<Record<string, unknown>>(n);
  const intents: string[] = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const e = entries[i];
    if (e.intentId !== undefined) intents.push(e.intentId);
    bytes[i] = sealEntry(e, head.size + i, timestamp);
    leaves[i] = leafHash(bytes[i]);
    const c = e.columns;
    rows[i] = {
      i,
      o: offset,
      l: bytes[i].length,
      action: c.action,
      decision: c.decision,
      actor_org: c.actorOrg,
      actor_sub: c.actorSub,
      owner_org: c.ownerOrg,
      recipient_org: c.recipientOrg,
      crn: c.crn,
      purpose: c.purpose,
      break_glass: c.breakGlass,
      intent: e.intentId ?? null,
    };
    offset += bytes[i].length;
  }
  const { frontier, newNodes } = appendLeaves(head.frontier, leaves);
  const levels: number[] = [];
  const indices: number[] = [];
  const hashes: Buffer[] = [];
  for (const node of newNodes) {
    if (node.level === 0) continue;
    levels.push(node.level);
    indices.push(node.index);
    hashes.push(node.hash);
  }
  const frontierJson = JSON.stringify(frontierToJson(frontier));
  return {
    params: [
      head.size,
      timestamp,
      Buffer.concat(leaves),
      Buffer.concat(bytes, offset),
      JSON.stringify(rows),
      levels,
      indices,
      Buffer.concat(hashes),
      frontier.size,
      frontierJson,
      head.frontierJson,
      intents,
      notify ? integratedPayload(entries, head.size, timestamp) : null,
    ],
    receipts: leaves.map((leaf, i) => ({ index: head.size + i, leafHash: leaf.toString('base64'), timestamp })),
    next: { size: frontier.size, frontier, frontierJson, lastMs: ms },
  };
}
