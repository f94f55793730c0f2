/**
 * Tree heads, inclusion proofs and consistency proofs (RFC 9162 2.1.1, 2.1.3.1, 2.1.4.1)
 * computed from stored complete-subtree hashes.
 *
 * Each answer is split into a plan and a computation so that the I/O is one round trip: the
 * caller asks `planX()` for the O(log n) node keys, fetches them all in a single query, and
 * passes them to `computeX()`, which is synchronous and reads nothing else.
 *
 * Why this works: every subtree the RFC's recursion touches is D[start:start+size] with `start`
 * a multiple of the power of two >= size. Such a range is either a complete subtree (one stored
 * node) or, for the single ragged right edge, the right fold of the complete subtrees in its
 * binary decomposition - exactly how MTH splits it.
 */
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hashes.js';
import { assertTreeSize, decomposeRange, largestPowerOfTwoBelow } from './tree-math.js';
import type { NodeKey, NodeLookup, StoredNode } from './types.js';

/** A leaf range [start, start + size) whose MTH is one element of an answer. */
interface LeafRange {
  readonly start: number;
  readonly size: number;
}

/** Node keys needed by {@link computeRoot}: the complete subtrees of n's binary decomposition. */
export function planRoot(n: number): NodeKey[] {
  assertTreeSize(n);
  return decomposeRange(0, n);
}

/** Node keys needed by {@link computeInclusionProof} for leaf `m` in a tree of size `n`. */
export function planInclusion(m: number, n: number): NodeKey[] {
  return planRanges(inclusionRanges(m, n));
}

/** Node keys needed by {@link computeConsistencyProof} between tree sizes `m` and `n`. */
export function planConsistency(m: number, n: number): NodeKey[] {
  return planRanges(consistencyRanges(m, n));
}

/** MTH(D[n]) (RFC 9162 2.1.1) from the nodes listed by {@link planRoot}. */
export function computeRoot(n: number, nodes: NodeLookup): Buffer {
  assertTreeSize(n);
  // A copy, so a caller mutating the result cannot corrupt the shared constant.
  return n === 0 ? Buffer.from(EMPTY_ROOT) : rangeHash({ start: 0, size: n }, nodes);
}

/**
 * PATH(m, D[n]) (RFC 9162 2.1.3.1): the audit path for leaf index `m` (0 <= m < n), ordered from
 * the leaf's sibling up to the root's child, from the nodes listed by {@link planInclusion}.
 */
export function computeInclusionProof(m: number, n: number, nodes: NodeLookup): Buffer[] {
  return inclusionRanges(m, n).map((range) => rangeHash(range, nodes));
}

/**
 * PROOF(m, D[n]) (RFC 9162 2.1.4.1) for 1 <= m <= n, from the nodes listed by
 * {@link planConsistency}. For m === n the RFC's SUBPROOF yields the empty proof.
 */
export function computeConsistencyProof(m: number, n: number, nodes: NodeLookup): Buffer[] {
  return consistencyRanges(m, n).map((range) => rangeHash(range, nodes));
}

/** Stable string identity for a node key, e.g. for de-duplication or a Map of fetched rows. */
export function nodeKeyId(key: NodeKey): string {
  return `${key.level}/${key.index}`;
}

/**
 * Builds a {@link NodeLookup} over fetched rows (e.g. the result of the single planned query).
 * The lookup throws for any key not among `nodes`.
 */
export function nodeLookupFrom(nodes: Iterable<StoredNode>): NodeLookup {
  const byId = new Map<string, Buffer>();
  for (const node of nodes) byId.set(nodeKeyId(node), node.hash);
  return (key) => {
    const hash = byId.get(nodeKeyId(key));
    if (hash === undefined) {
      throw new Error(`merkle node ${nodeKeyId(key)} is not available`);
    }
    return hash;
  };
}

/**
 * Union of several plans without duplicates, for callers fetching e.g. a root and a proof in
 * the same query.
 */
export function mergePlans(...plans: readonly (readonly NodeKey[])[]): NodeKey[] {
  const seen = new Set<string>();
  const merged: NodeKey[] = [];
  for (const plan of plans) {
    for (const key of plan) {
      const id = nodeKeyId(key);
      if (!seen.has(id)) {
        seen.add(id);
        merged.push(key);
      }
    }
  }
  return merged;
}

/**
 * The ranges whose MTHs form PATH(m, D[n]), leaf end first. Iterative form of the RFC recursion:
 *   m < k:  PATH(m, D[0:k]) : MTH(D[k:n])
 *   m >= k: PATH(m - k, D[k:n]) : MTH(D[0:k])
 */
function inclusionRanges(m: number, n: number): LeafRange[] {
  assertTreeSize(n);
  assertTreeSize(m, 'leaf index');
  if (m >= n) throw new RangeError(`leaf index ${m} is not below tree size ${n}`);
  const ranges: LeafRange[] = [];
  let start = 0;
  let size = n;
  let index = m;
  while (size > 1) {
    const k = largestPowerOfTwoBelow(size);
    if (index < k) {
      ranges.push({ start: start + k, size: size - k });
      size = k;
    } else {
      ranges.push({ start, size: k });
      index -= k;
      start += k;
      size -= k;
    }
  }
  // Collected root-first; the RFC appends each outer hash after the inner path.
  return ranges.reverse();
}

/**
 * The ranges whose MTHs form PROOF(m, D[n]) = SUBPROOF(m, D[n], true), leaf end first:
 *   SUBPROOF(m, D[m], true) = {};  SUBPROOF(m, D[m], false) = {MTH(D[m])}
 *   m <= k: SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
 *   m > k:  SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
 */
function consistencyRanges(m: number, n: number): LeafRange[] {
  assertTreeSize(n);
  assertTreeSize(m, 'first tree size');
  if (m < 1 || m > n) throw new RangeError(`consistency proof needs 1 <= m <= n, got m=${m}, n=${n}`);
  const ranges: LeafRange[] = [];
  let start = 0;
  let size = n;
  let remaining = m;
  let isWholeOldTree = true;
  while (remaining !== size) {
    const k = largestPowerOfTwoBelow(size);
    if (remaining <= k) {
      ranges.push({ start: start + k, size: size - k });
      size = k;
    } else {
      ranges.push({ start, size: k });
      remaining -= k;
      start += k;
      size -= k;
      isWholeOldTree = false;
    }
  }
  // The old subtree's own hash is only sent when the verifier cannot already know it.
  if (!isWholeOldTree) ranges.push({ start, size });
  return ranges.reverse();
}

function planRanges(ranges: readonly LeafRange[]): NodeKey[] {
  // Ranges in one answer are disjoint, but de-duplicate anyway so the query never repeats a key.
  return mergePlans(...ranges.map((range) => decomposeRange(range.start, range.size)));
}

/** MTH of one range: a single stored node, or the right fold of its decomposition. */
function rangeHash(range: LeafRange, nodes: NodeLookup): Buffer {
  const keys = decomposeRange(range.start, range.size);
  let hash = readNode(nodes, keys[keys.length - 1]);
  for (let i = keys.length - 2; i >= 0; i--) {
    hash = nodeHash(readNode(nodes, keys[i]), hash);
  }
  return hash;
}

function readNode(nodes: NodeLookup, key: NodeKey): Buffer {
  const hash = nodes(key);
  // A truncated or corrupt row would otherwise yield a wrong proof that only fails at the client.
  if (hash.length !== HASH_SIZE) {
    throw new Error(`merkle node ${nodeKeyId(key)} has ${hash.length} bytes, expected ${HASH_SIZE}`);
  }
  return hash;
}
