import type { NodeKey, StoredNode } from '../domain/merkle/index.js';

type SizeAndNodesRow = { size: string; level: number | null; idx: string | null; hash: Buffer | null };

/**
 * The head's size and the stored hashes of the given complete subtrees: level 0 from the
 * entries' leaf hashes, higher levels from access_log_nodes; missing nodes are simply absent.
 * Shared by the proofs and log:verify's consistency checks (which run it on their own client).
 */
export function sizeAndNodesQuery(keys: readonly NodeKey[]): { text: string; values: unknown[] } {
  return {
    text: `SELECT h.size, k.level, k.idx, COALESCE(n.hash, e.leaf_hash) AS hash
             FROM access_log_head h
             LEFT JOIN unnest($1::smallint[], $2::bigint[]) AS k(level, idx) ON true
             LEFT JOIN access_log_nodes n ON k.level > 0 AND n.level = k.level AND n.idx = k.idx
             LEFT JOIN access_log_entries e ON k.level = 0 AND e.idx = k.idx
            WHERE h.id = 1`,
    values: [keys.map((k) => k.level), keys.map((k) => k.index)],
  };
}

export function sizeAndNodesOf(rows: SizeAndNodesRow[]): { size: number; nodes: StoredNode[] } {
  const nodes = rows
    .filter((r) => r.hash !== null)
    .map((r) => ({ level: Number(r.level), index: Number(r.idx), hash: r.hash as Buffer }));
  return { size: Number(rows[0].size), nodes };
}
