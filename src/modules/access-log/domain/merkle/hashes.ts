/**
 * RFC 9162 section 2.1 hashing with SHA-256: domain-separated leaf and interior-node hashes.
 *
 * These sit on the hot path (about two hashes per log entry when appending or re-verifying a
 * 10-million-entry log), so each hash is one one-shot `crypto.hash` over a scratch buffer that
 * already holds the prefix byte: no Hash object per hash, which measured about a quarter faster.
 */
import { createHash, hash } from 'node:crypto';

/** Size in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

const NODE_PREFIX = Buffer.from([0x01]);

// 0x01 || left || right and 0x00 || leaf laid out in buffers allocated once. Safe to share:
// hashing is synchronous and never re-entrant.
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;
let leafScratch = Buffer.alloc(4096);

/**
 * MTH({}) = SHA-256() (RFC 9162 2.1.1): the root of the empty tree.
 * Treat as read-only; functions returning the empty root hand out copies.
 */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** Leaf hash: SHA-256(0x00 || leaf) (RFC 9162 2.1.1). `leaf` is the raw entry bytes. */
export function leafHash(leaf: Uint8Array): Buffer {
  if (leaf.length >= leafScratch.length) {
    leafScratch = Buffer.alloc(Math.max(leaf.length + 1, leafScratch.length * 2));
  }
  leafScratch[0] = 0x00;
  leafScratch.set(leaf, 1);
  return hash('sha256', leafScratch.subarray(0, leaf.length + 1), 'buffer');
}

/** Interior node hash: SHA-256(0x01 || left || right) (RFC 9162 2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
    nodeScratch.set(left, 1);
    nodeScratch.set(right, 1 + HASH_SIZE);
    return hash('sha256', nodeScratch, 'buffer');
  }
  // The RFC defines the hash over arbitrary byte strings; a verifier may be fed malformed proof
  // elements and must still compute *something* deterministic rather than throw.
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}
