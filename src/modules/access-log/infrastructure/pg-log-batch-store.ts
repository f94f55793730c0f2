import pg from 'pg';
import { appendLeaves, frontierFromJson, frontierToJson, leafHash } from '../domain/merkle/index.js';
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

// One round trip: open the transaction and take the head row's lock. Under the lock the head is
// the truth; nothing from an earlier transaction is trusted.
const LOCK_HEAD = `BEGIN; SELECT size, frontier, last_timestamp FROM access_log_head WHERE id = 1 FOR UPDATE`;

// One statement writes the entries, the new complete-subtree nodes and the head. The SQL text is
// the same whatever the batch size. Entry bytes and hashes travel as one binary parameter each
// (node-postgres sends Buffers in binary) and are cut apart by offset server-side: a bytea[]
// parameter would go as hex text and cost the server a parse of every element.
const WRITE_BATCH = `
  WITH entries AS (
    INSERT INTO access_log_entries (idx, ts, leaf_hash, entry, action, decision, actor_org, actor_sub, owner_org, recipient_org, crn, purpose, break_glass)
    SELECT $1::bigint + e.ord - 1, $2::timestamptz,
           substring($3::bytea FROM (e.ord::int - 1) * 32 + 1 FOR 32), substring($4::bytea FROM e.off + 1 FOR e.len),
           e.action, e.decision, e.actor_org, e.actor_sub, e.owner_org, e.recipient_org, e.crn, e.purpose, e.break_glass
      FROM unnest($5::int[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::boolean[])
           WITH ORDINALITY AS e(off, len, action, decision, actor_org, actor_sub, owner_org, recipient_org, crn, purpose, break_glass, ord)
  ), nodes AS (
    INSERT INTO access_log_nodes (level, idx, hash)
    SELECT n.level, n.idx, substring($18::bytea FROM (n.ord::int - 1) * 32 + 1 FOR 32)
      FROM unnest($16::smallint[], $17::bigint[]) WITH ORDINALITY AS n(level, idx, ord)
  )
  UPDATE access_log_head SET size = $19, frontier = $20::jsonb, last_timestamp = $2::timestamptz, updated_at = now() WHERE id = 1`;

/**
 * Writes sequencer batches to PostgreSQL over a dedicated connection, so request handlers that
 * exhaust the main pool while they wait for their entry can never starve the log of the
 * connection it needs to write that entry.
 */
export class PgLogBatchStore implements LogBatchStore {
  private readonly pool: pg.Pool;
  private readonly onError: (e: Error) => void;

  constructor(options: PgLogBatchStoreOptions) {
    this.onError = (e) => options.onConnectionError?.(e);
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
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

  async append(entries: readonly PreparedEntry[]): Promise<AccessLogReceipt[]> {
    const client = await this.pool.connect();
    let failed = true;
    try {
      const results = (await client.query(LOCK_HEAD)) as unknown as pg.QueryResult[];
      const head = results[1]?.rows[0] as { size: string; frontier: unknown; last_timestamp: Date | null } | undefined;
      if (!head) throw new Error('the access_log_head row is missing');
      const size = Number(head.size);
      const frontier = frontierFromJson(head.frontier);
      if (frontier.size !== size) throw new Error(`access_log_head is inconsistent: size ${size}, frontier for ${frontier.size}`);

      // One time per batch, never before the previous batch's, so timestamps never go back as
      // indices grow, even across instances whose clocks differ slightly.
      const ms = Math.max(Date.now(), head.last_timestamp?.getTime() ?? 0);
      const timestamp = new Date(ms).toISOString();
      const n = entries.length;
      const bytes = new Array<Buffer>(n);
      const leaves = new Array<Buffer>(n);
      const offsets = new Array<number>(n);
      const lengths = new Array<number>(n);
      let offset = 0;
      const cols = { action: [] as string[], decision: [] as string[], actorOrg: [] as string[], actorSub: [] as string[], ownerOrg: [] as (string | null)[], recipientOrg: [] as (string | null)[], crn: [] as (string | null)[], purpose: [] as (string | null)[], breakGlass: [] as boolean[] };
      for (let i = 0; i < n; i++) {
        const e = entries[i];
        bytes[i] = sealEntry(e, size + i, timestamp);
        leaves[i] = leafHash(bytes[i]);
        offsets[i] = offset;
        lengths[i] = bytes[i].length;
        offset += bytes[i].length;
        const c = e.columns;
        cols.action.push(c.action);
        cols.decision.push(c.decision);
        cols.actorOrg.push(c.actorOrg);
        cols.actorSub.push(c.actorSub);
        cols.ownerOrg.push(c.ownerOrg);
        cols.recipientOrg.push(c.recipientOrg);
        cols.crn.push(c.crn);
        cols.purpose.push(c.purpose);
        cols.breakGlass.push(c.breakGlass);
      }
      const { frontier: next, newNodes } = appendLeaves(frontier, leaves);
      const levels: number[] = [];
      const indices: number[] = [];
      const hashes: Buffer[] = [];
      for (const node of newNodes) {
        if (node.level === 0) continue;
        levels.push(node.level);
        indices.push(node.index);
        hashes.push(node.hash);
      }
      // Named, so each connection parses and plans the statement once (planning it on every
      // batch cost about as much as executing it).
      await client.query({ name: 'access-log-write-batch', text: WRITE_BATCH, values: [
        size,
        timestamp,
        Buffer.concat(leaves),
        Buffer.concat(bytes, offset),
        offsets,
        lengths,
        cols.action,
        cols.decision,
        cols.actorOrg,
        cols.actorSub,
        cols.ownerOrg,
        cols.recipientOrg,
        cols.crn,
        cols.purpose,
        cols.breakGlass,
        levels,
        indices,
        Buffer.concat(hashes),
        next.size,
        JSON.stringify(frontierToJson(next)),
      ] });
      await client.query('COMMIT');
      failed = false;
      return leaves.map((leaf, i) => ({ index: size + i, leafHash: leaf.toString('base64'), timestamp }));
    } finally {
      // After any failure the connection is discarded, not rolled back and reused: it may be
      // broken, or mid-transaction, and the next batch will open a fresh one.
      client.release(failed);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
