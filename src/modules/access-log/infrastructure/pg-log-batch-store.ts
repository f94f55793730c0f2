import pg from 'pg';
import { pgConnection } from '@shared/database/pg-connection.js';
import { appendLeaves, frontierFromJson, frontierToJson, leafHash, type Frontier } from '../domain/merkle/index.js';
import type { AccessLogReceipt } from '../domain/access-log-entry.js';
import { sealEntry, type PreparedEntry } from '../domain/prepared-entry.js';
import type { LogBatchStore } from '../application/log-sequencer.js';

export interface PgLogBatchStoreOptions {
  connectionString: string;
  /** Per statement, including the commit's WAL flush. */
  statementTimeoutMs: number;
  /** How long a batch waits for the head row's lock (held by another instance's batch, or an operator). */
  lockTimeoutMs: number;
  connectTimeoutMs: number;
  applicationName?: string;
  onConnectionError?: (error: Error) => void;
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
// one JSON array, which costs far less to encode here than nine text[] parameters.
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
  SELECT count(*)::int AS appended FROM head`;

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
 */
export class PgLogBatchStore implements LogBatchStore {
  private readonly pool: pg.Pool;
  private readonly onError: (e: Error) => void;
  private known: Head | undefined;

  constructor(options: PgLogBatchStoreOptions) {
    this.onError = (e) => options.onConnectionError?.(e);
    this.pool = new pg.Pool({
      // One host, or several with the primary found by our connection layer.
      ...pgConnection(options.connectionString),
      max: 1,
      idleTimeoutMillis: 60_000,
      connectionTimeoutMillis: options.connectTimeoutMs,
      statement_timeout: options.statementTimeoutMs,
      lock_timeout: options.lockTimeoutMs,
      query_timeout: options.statementTimeoutMs + 1000,
      idle_in_transaction_session_timeout: Math.max(options.statementTimeoutMs * 2, 10_000),
      application_name: options.applicationName ?? 'probation-gateway-access-log',
      keepAlive: true,
    });
    // A connection that dies emits 'error'; without a listener the process would crash. The pool
    // listens only while a client is idle, and a broken client can still emit after it was
    // released (the server's termination notice arriving after the failed query), so every
    // client keeps a listener for its whole life.
    this.pool.on('error', this.onError);
    this.pool.on('connect', (client) => client.on('error', this.onError));
  }

  /**
   * Appends the batch atomically and answers, in order, each entry's receipt: for an intent
   * already integrated, the receipt of that integration; null for an intent that is neither
   * queued nor integrated (its transaction never committed). Usually one round trip, built on
   * the head this store wrote last; when that is not the head any more (or unknown), or an
   * intent has left the queue, the head is read under its lock and the batch rebuilt on it.
   * Nothing is trusted across a failure.
   */
  async append(entries: readonly PreparedEntry[]): Promise<(AccessLogReceipt | null)[]> {
    // An intent handed in twice (by its handler and by a sweeper) is written once.
    const firstOf = new Map<string, number>();
    const unique: PreparedEntry[] = [];
    const position = entries.map((e) => {
      if (e.intentId === undefined) return unique.push(e) - 1;
      let at = firstOf.get(e.intentId);
      if (at === undefined) firstOf.set(e.intentId, (at = unique.push(e) - 1));
      return at;
    });
    const receipts = await this.appendUnique(unique);
    return position.map((i) => receipts[i]);
  }

  private async appendUnique(entries: readonly PreparedEntry[]): Promise<(AccessLogReceipt | null)[]> {
    const client = await this.pool.connect();
    let failed = true;
    try {
      if (this.known) {
        const batch = buildBatch(this.known, entries);
        if (await this.write(client, batch, true)) {
          this.known = batch.next;
          failed = false;
          return batch.receipts;
        }
      }
      const results = (await client.query(LOCK_HEAD)) as unknown as pg.QueryResult<HeadRow>[];
      const head = headOf(results[1]?.rows[0]);
      const settled = await settledIntents(client, entries);
      const rest = settled.size ? entries.filter((e) => e.intentId === undefined || !settled.has(e.intentId)) : entries;
      let next = head;
      let written: AccessLogReceipt[] = [];
      if (rest.length) {
        const batch = buildBatch(head, rest);
        if (!(await this.write(client, batch, false)))
          throw new Error('the access-log head changed while its lock was held');
        next = batch.next;
        written = batch.receipts;
      }
      await client.query('COMMIT');
      this.known = next;
      failed = false;
      if (!settled.size) return written;
      let k = 0;
      return entries.map((e) =>
        e.intentId !== undefined && settled.has(e.intentId) ? settled.get(e.intentId)! : written[k++],
      );
    } catch (e) {
      this.known = undefined;
      throw e;
    } finally {
      // After any failure the connection is discarded, not rolled back and reused: it may be
      // broken, or mid-transaction, and the next batch will open a fresh one.
      client.release(failed);
    }
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

/** Seals the entries at their indices, hashes them, and extends the tree: everything APPEND needs. */
function buildBatch(head: Head, entries: readonly PreparedEntry[]): Batch {
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
    ],
    receipts: leaves.map((leaf, i) => ({ index: head.size + i, leafHash: leaf.toString('base64'), timestamp })),
    next: { size: frontier.size, frontier, frontierJson, lastMs: ms },
  };
}
