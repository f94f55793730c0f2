import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NodeKey, StoredNode } from '../domain/merkle/index.js';
import type { LogScope } from '../domain/log-scope.js';
import {
  AccessLogReader,
  type AccessLogFilter,
  type EntryRow,
  type EntryWithOrgs,
} from '../domain/access-log-reader.port.js';
import { sizeAndNodesOf, sizeAndNodesQuery } from '../application/tree-queries.js';
import { rangeHolding, type PrunedRange } from '../domain/pruned-range.js';

/** The columns every read selects: the bytes, and what a pruned entry keeps. */
const ENTRY_COLUMNS = `idx, entry, ts, leaf_hash, action, decision, actor_org, owner_org, recipient_org, break_glass`;

interface EntryDbRow {
  idx: string;
  entry: Buffer | null;
  ts: Date;
  leaf_hash: Buffer;
  action: string;
  decision: 'ALLOW' | 'DENY';
  actor_org: string;
  owner_org: string | null;
  recipient_org: string | null;
  break_glass: boolean;
}

/**
 * SQL for the first index whose entry satisfies `condition` on its `ts` (one past the last entry
 * when none does), by binary search: the condition must hold for a suffix of the log (it is monotone in
 * idx). An entry that cannot be read counts as `missing`: true for a lower bound and false for
 * an upper one, so that a gap can only widen the range, never lose an entry.
 */
function firstIndexWhere(condition: string, missing: boolean): string {
  return `WITH RECURSIVE b(lo, hi) AS (
      SELECT 0::bigint, COALESCE((SELECT max(idx) FROM access_log_entries), -1) + 1
      UNION ALL
      SELECT CASE WHEN m.hit THEN b.lo ELSE m.mid + 1 END, CASE WHEN m.hit THEN m.mid ELSE b.hi END
        FROM b, LATERAL (SELECT (b.lo + b.hi) / 2 AS mid, COALESCE((SELECT ${condition} FROM access_log_entries WHERE idx = (b.lo + b.hi) / 2), ${missing}) AS hit) m
       WHERE b.lo < b.hi)
    SELECT lo FROM b WHERE lo >= hi`;
}

/** The recorded prunings that overlap [$1, $2], oldest first. */
const PRUNED_RANGES = `SELECT from_idx, to_idx, cutoff, pruned_at FROM access_log_pruned_ranges WHERE to_idx >= $1 AND from_idx <= $2 ORDER BY from_idx`;

function prunedRangesOf(rows: { from_idx: string; to_idx: string; cutoff: Date; pruned_at: Date }[]): PrunedRange[] {
  return rows.map((r) => ({
    from: Number(r.from_idx),
    to: Number(r.to_idx),
    cutoff: r.cutoff.toISOString(),
    prunedAt: r.pruned_at.toISOString(),
  }));
}

/** Reads of the access-log tables. Writes to them happen only in PgLogBatchStore and CheckpointService (AccessLogWriter only queues intents). */
@Injectable()
export class AccessLogRepository extends AccessLogReader {
  constructor(private readonly db: DataSource) {
    super();
  }

  /** Entries matching the filter inside the scope, newest first, with indices below `before`. */
  async search(scope: LogScope, filter: AccessLogFilter, limit: number, before?: number): Promise<EntryRow[]> {
    const params: unknown[] = [];
    const bind = (v: unknown) => `$${params.push(v)}`;
    const where: string[] = [];
    if (scope.org !== null) {
      const org = bind(scope.org);
      // Same rows as actor_org = X OR owner_org = X OR recipient_org = X, written so the partial
      // owner and recipient indexes (rows where they differ from the actor's org) apply.
      where.push(
        `(actor_org = ${org} OR (owner_org = ${org} AND owner_org IS DISTINCT FROM actor_org) OR (recipient_org = ${org} AND recipient_org IS DISTINCT FROM actor_org))`,
      );
    }
    if (filter.crn !== undefined) where.push(`crn = ${bind(filter.crn)}`);
    if (filter.org !== undefined) where.push(`actor_org = ${bind(filter.org)}`);
    if (filter.actor !== undefined) where.push(`actor_sub = ${bind(filter.actor)}`);
    if (filter.purpose !== undefined) where.push(`purpose = ${bind(filter.purpose)}`);
    if (filter.decision !== undefined) where.push(`decision = ${bind(filter.decision)}`);
    if (filter.action !== undefined) where.push(`action = ${bind(filter.action)}`);
    // Timestamps never decrease as indices grow (one time per batch, never before the last
    // batch's; log:verify checks it), so a time range is also an index range, found by binary
    // search over the primary key (about 24 look-ups at 10 million entries, computed once per
    // query). Every index ending in idx then seeks straight to it instead of walking back from
    // the newest entry until the range begins. The ts conditions stay: the index range only
    // narrows what is read.
    if (filter.from !== undefined) {
      const from = bind(filter.from.toISOString());
      where.push(`ts >= ${from}`, `idx >= (${firstIndexWhere(`ts >= ${from}::timestamptz`, true)})`);
    }
    if (filter.to !== undefined) {
      const to = bind(filter.to.toISOString());
      where.push(`ts <= ${to}`, `idx < (${firstIndexWhere(`ts > ${to}::timestamptz`, false)})`);
    }
    if (before !== undefined) where.push(`idx < ${bind(before)}`);
    const sql = `SELECT ${ENTRY_COLUMNS} FROM access_log_entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY idx DESC LIMIT ${bind(limit)}`;
    return this.rowsOf(await this.db.query<EntryDbRow[]>(sql, params));
  }

  async entry(index: number): Promise<EntryWithOrgs | null> {
    const rows = await this.db.query<EntryDbRow[]>(`SELECT ${ENTRY_COLUMNS} FROM access_log_entries WHERE idx = $1`, [
      index,
    ]);
    if (!rows.length) return null;
    const [row] = await this.rowsOf(rows);
    const r = rows[0];
    return {
      ...row,
      leafHash: r.leaf_hash,
      actorOrg: r.actor_org,
      ownerOrg: r.owner_org,
      recipientOrg: r.recipient_org,
    };
  }

  /** Rows as entries; a pruned one gets its pruning from the ranges table (one query, only when there is one). */
  private async rowsOf(rows: EntryDbRow[]): Promise<EntryRow[]> {
    const prunedIdx = rows.filter((r) => r.entry === null).map((r) => Number(r.idx));
    const ranges = prunedIdx.length
      ? prunedRangesOf(await this.db.query(PRUNED_RANGES, [Math.min(...prunedIdx), Math.max(...prunedIdx)]))
      : [];
    return rows.map((r): EntryRow => {
      const index = Number(r.idx);
      if (r.entry !== null) return { index, bytes: r.entry };
      const range = rangeHolding(ranges, index);
      return {
        index,
        bytes: null,
        pruned: {
          index,
          timestamp: r.ts.toISOString(),
          action: r.action,
          decision: r.decision,
          actorOrg: r.actor_org,
          recipientOrg: r.recipient_org,
          breakGlass: r.break_glass,
          leafHash: r.leaf_hash.toString('base64'),
          // A body missing outside every recorded range is damage (log:verify reports it): no date to show.
          pruning: { on: range?.prunedAt ?? null, cutoff: range?.cutoff ?? null },
        },
      };
    });
  }

  /**
   * The log's size and the stored hashes of the given subtrees, in one round trip and one
   * snapshot: what a proof needs (two queries were half of an inclusion proof's time).
   */
  async sizeAndNodes(keys: readonly NodeKey[]): Promise<{ size: number; nodes: StoredNode[] }> {
    const q = sizeAndNodesQuery(keys);
    return sizeAndNodesOf(await this.db.query(q.text, q.values));
  }
}
