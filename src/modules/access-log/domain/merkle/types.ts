/**
 * Storage model shared by the planner, the appender and their callers.
 *
 * The log persists the hash of every COMPLETE subtree: node (level, index) covers leaves
 * [index * 2^level, (index + 1) * 2^level), level 0 being the leaf hashes. Complete subtrees never
 * change once written, so rows are insert-only, and a tree of size n has at most 2n of them.
 */

/** Address of one stored complete-subtree hash. */
export interface NodeKey {
  readonly level: number;
  readonly index: number;
}

/** A stored complete-subtree hash, as produced by the appender and read back by the planner. */
export interface StoredNode extends NodeKey {
  readonly hash: Buffer;
}

/** Reads one stored node; must throw if the node is not available. */
export type NodeLookup = (key: NodeKey) => Buffer;
