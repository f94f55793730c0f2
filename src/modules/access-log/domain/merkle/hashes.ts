/**
 * RFC 9162 section 2.1 hashing with SHA-256: domain-separated leaf and interior-node hashes.
 *
 * These sit on the hot path (about two hashes per log entry when appending or re-verifying a
 * 10-million-entry log), so the prefix bytes and the node scratch buffer are allocated once and
 * each hash costs exactly one `createHash`.
 */
import { createHash } from 'node:crypto';

/** Size in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

// 0x01 || left || right laid out once, so a node hash is a single update() of 65 bytes rather
// than three native calls. Safe to share: hashing is synchronous and never re-entrant.
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;

/**
 * MTH({}) = SHA-256() (RFC 9162 2.1.1): the root of the empty tree.
 * Treat as read-only; functions returning the empty root hand out copies.
 */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** Leaf hash: SHA-256(0x00 || leaf) (RFC 9162 2.1.1). `leaf` is the raw entry bytes. */
export function leafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

/** Interior node hash: SHA-256(0x01 || left || right) (RFC 9162 2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
    nodeScratch.set(left, 1);
    nodeScratch.set(right, 1 + HASH_SIZE);
    return createHash('sha256').update(nodeScratch).digest();
  }
  // The RFC defines the hash over arbitrary byte strings; a verifier may be fed malformed proof
  // elements and must still compute *something* deterministic rather than throw.
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}
