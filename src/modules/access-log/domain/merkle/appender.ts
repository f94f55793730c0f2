/**
 * Batch appender over the complete-subtree storage model (see types.ts).
 *
 * Appending only needs the "frontier": the hashes of the complete subtrees in the binary
 * decomposition of the current size, largest first (at most one per bit of the size). It is
 * small enough to live in the log's head row, so an append never reads the node table.
 */
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hashes.js';
import { assertTreeSize, decomposeRange, popCount } from './tree-math.js';
import type { NodeLookup, StoredNode } from './types.js';

/**
 * State needed to append to a tree of `size` leaves: `hashes[i]` is the complete subtree for the
 * i-th set bit of `size`, counting from the most significant bit (leftmost subtree first).
 * Buffers are shared with results and treated as immutable.
 */
export interface Frontier {
  readonly size: number;
  readonly hashes: readonly Buffer[];
}

/** JSON form of a {@link Frontier} for the head row; hashes are standard base64. */
export interface FrontierJson {
  size: number;
  hashes: string[];
}

/** Result of {@link appendLeaves}. */
export interface AppendResult {
  readonly frontier: Frontier;
  /** Every complete subtree created by the batch, leaves (level 0) included, in creation order. */
  readonly newNodes: StoredNode[];
}

/** The frontier of the empty tree. */
export const EMPTY_FRONTIER: Frontier = Object.freeze({ size: 0, hashes: Object.freeze([]) });

/**
 * Appends a batch of leaf hashes (each `leafHash(entry)`) to the tree described by `frontier`.
 * Pure: the input frontier is not modified.
 *
 * Cost: appending k leaves to a tree of size n reads nothing and returns k leaf nodes plus
 * popCount(n) + k - popCount(n + k) interior nodes, one nodeHash each - amortised under one
 * SHA-256 and two small objects per leaf. Over the log's lifetime the node table holds < 2n rows.
 */
export function appendLeaves(frontier: Frontier, leafHashes: readonly Buffer[]): AppendResult {
  const builder = new TreeBuilder(frontier);
  if (builder.size + leafHashes.length > Number.MAX_SAFE_INTEGER) {
    throw new RangeError('tree size would exceed Number.MAX_SAFE_INTEGER');
  }
  const newNodes: StoredNode[] = [];
  const collect = (level: number, index: number, hash: Buffer) => newNodes.push({ level, index, hash });
  for (const leaf of leafHashes) builder.push(leaf, collect);
  return { frontier: builder.frontier, newNodes };
}

/**
 * The appender one leaf at a time, for callers that stream millions of leaves (the verifier)
 * and want each new complete subtree as it is made rather than an array of them all.
 */
export class TreeBuilder {
  private readonly stack: Buffer[];
  private count: number;

  constructor(frontier: Frontier = EMPTY_FRONTIER) {
    assertFrontier(frontier);
    this.stack = frontier.hashes.slice();
    this.count = frontier.size;
  }

  get size(): number {
    return this.count;
  }

  /** The frontier now (a copy: later pushes do not change it). */
  get frontier(): Frontier {
    return { size: this.count, hashes: this.stack.slice() };
  }

  /**
   * Appends one leaf hash; `onNode` sees every complete subtree this creates, the leaf itself
   * (level 0) first, then each interior node upwards.
   */
  push(leaf: Buffer, onNode?: (level: number, index: number, hash: Buffer) => void): void {
    if (leaf.length !== HASH_SIZE) {
      throw new RangeError(`leaf hash at index ${this.count} has ${leaf.length} bytes, expected ${HASH_SIZE}`);
    }
    let hash = leaf;
    onNode?.(0, this.count, hash);
    this.count += 1;
    // Each trailing zero bit of the new size is a pair of equal-sized subtrees that just became
    // complete; merging them right to left is what keeps the stack equal to the decomposition.
    let level = 0;
    let width = this.count;
    while (width % 2 === 0) {
      hash = nodeHash(this.stack.pop() as Buffer, hash);
      level += 1;
      width /= 2;
      onNode?.(level, width - 1, hash);
    }
    this.stack.push(hash);
  }
}

/** MTH of the tree the frontier describes: the right fold of its subtrees (RFC 9162 2.1.1). */
export function rootFromFrontier(frontier: Frontier): Buffer {
  assertFrontier(frontier);
  const { hashes } = frontier;
  if (hashes.length === 0) return Buffer.from(EMPTY_ROOT);
  let root = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i--) {
    root = nodeHash(hashes[i], root);
  }
  // Copy when no hashing happened, so the caller cannot mutate the frontier through the root.
  return hashes.length === 1 ? Buffer.from(root) : root;
}

/**
 * Rebuilds the frontier of a tree of `size` from stored nodes (e.g. if the head row must be
 * recovered). The keys to fetch are exactly `planRoot(size)`.
 */
export function frontierFromNodes(size: number, nodes: NodeLookup): Frontier {
  assertTreeSize(size);
  const hashes = decomposeRange(0, size).map((key) => {
    const hash = nodes(key);
    if (hash.length !== HASH_SIZE) throw new Error(`merkle node ${key.level}/${key.index} is not ${HASH_SIZE} bytes`);
    return hash;
  });
  return { size, hashes };
}

/** Serialises a frontier for storage in the head row. */
export function frontierToJson(frontier: Frontier): FrontierJson {
  assertFrontier(frontier);
  return { size: frontier.size, hashes: frontier.hashes.map((hash) => hash.toString('base64')) };
}

/**
 * Parses and validates a frontier read back from storage. `json` is `unknown` because it comes
 * from a database column; anything malformed throws rather than silently forking the tree.
 */
export function frontierFromJson(json: unknown): Frontier {
  if (json === null || typeof json !== 'object') {
    throw new TypeError('frontier JSON must be an object');
  }
  const { size, hashes } = json as { size?: unknown; hashes?: unknown };
  if (typeof size !== 'number') throw new TypeError('frontier JSON size must be a number');
  assertTreeSize(size);
  if (!Array.isArray(hashes)) throw new TypeError('frontier JSON hashes must be an array');
  const decoded = hashes.map((encoded: unknown, i) => {
    if (typeof encoded !== 'string') throw new TypeError(`frontier JSON hash ${i} must be a string`);
    const hash = Buffer.from(encoded, 'base64');
    // Node's base64 decoder skips junk characters; round-tripping rejects anything non-canonical.
    if (hash.length !== HASH_SIZE || hash.toString('base64') !== encoded) {
      throw new TypeError(`frontier JSON hash ${i} is not a base64 ${HASH_SIZE}-byte hash`);
    }
    return hash;
  });
  const frontier: Frontier = { size, hashes: decoded };
  assertFrontier(frontier);
  return frontier;
}

function assertFrontier(frontier: Frontier): void {
  assertTreeSize(frontier.size);
  const expected = popCount(frontier.size);
  if (frontier.hashes.length !== expected) {
    throw new RangeError(`frontier for size ${frontier.size} needs ${expected} hashes, got ${frontier.hashes.length}`);
  }
  for (const hash of frontier.hashes) {
    if (hash.length !== HASH_SIZE) throw new RangeError(`frontier hash is not ${HASH_SIZE} bytes`);
  }
}
