/**
 * RFC 9162 proof verifiers, transcribed step by step from sections 2.1.3.2 and 2.1.4.2, and the
 * RFC 9162 2.1.1 hashes they use.
 *
 * The one implementation for the gateway, the witness, the command-line verifiers and the IG
 * console's browser code (built from this file for the browser): synchronous, over Uint8Array
 * and number arithmetic only, with a plain TypeScript SHA-256 by default. The server passes its
 * node:crypto node hash (access-log/domain/merkle/verify.ts). Sizes use arithmetic rather than
 * bitwise shifts, which would truncate above 2^31.
 */
import { bytesEqual, concatBytes } from './bytes.js';
import { sha256 } from './sha256.js';

/** RFC 9162 leaf hash: SHA-256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  return sha256(concatBytes(new Uint8Array([0x00]), leaf));
}

/** RFC 9162 interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(new Uint8Array([0x01]), left, right));
}

/** HASH(0x01 || left || right). */
export type NodeHashFn = (left: Uint8Array, right: Uint8Array) => Uint8Array;

/**
 * RFC 9162 2.1.3.2: true iff `inclusionPath` proves that `leafHash` is leaf `leafIndex` of the
 * tree of `treeSize` leaves whose root is `rootHash`. Never throws on malformed proof data.
 */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  inclusionPath: readonly Uint8Array[],
  rootHash: Uint8Array,
  hashNode: NodeHashFn = nodeHash,
): boolean {
  if (!isSize(leafIndex) || !isSize(treeSize)) return false;
  // 1. leaf_index >= tree_size fails.
  if (leafIndex >= treeSize) return false;
  // 2. fn = leaf_index, sn = tree_size - 1.
  let fn = leafIndex;
  let sn = treeSize - 1;
  // 3. r = hash.
  let r = leafHash;
  // 4. For each p in inclusion_path:
  for (const p of inclusionPath) {
    // a. sn == 0 fails.
    if (sn === 0) return false;
    // b. If LSB(fn) or fn == sn:
    if (lsb(fn) || fn === sn) {
      // i. r = HASH(0x01 || p || r)
      r = hashNode(p, r);
      // ii. If LSB(fn) is not set, shift both until LSB(fn) is set or fn is 0.
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      // Otherwise: r = HASH(0x01 || r || p)
      r = hashNode(r, p);
    }
    // c. Shift both once.
    fn = shr(fn);
    sn = shr(sn);
  }
  // 5. sn == 0 and r == root_hash.
  return sn === 0 && bytesEqual(r, rootHash);
}

/**
 * RFC 9162 2.1.4.2: true iff `consistencyPath` proves that the tree of `first` leaves with root
 * `firstHash` is a prefix of the tree of `second` leaves with root `secondHash`.
 *
 * Beyond the RFC (which only defines 0 < first < second): first === second is accepted exactly
 * when the path is empty and the roots are equal, matching PROOF(n, D[n]) = {}; first === 0 is
 * rejected, since no proof relates the empty tree. Never throws on malformed proof data.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstHash: Uint8Array,
  secondHash: Uint8Array,
  consistencyPath: readonly Uint8Array[],
  hashNode: NodeHashFn = nodeHash,
): boolean {
  if (!isSize(first) || !isSize(second) || first < 1 || first > second) return false;
  if (first === second) return consistencyPath.length === 0 && bytesEqual(firstHash, secondHash);
  // 1. An empty consistency_path fails.
  if (consistencyPath.length === 0) return false;
  // 2. If first is an exact power of 2, prepend first_hash (without mutating the caller's array).
  const path = isPowerOfTwo(first) ? [firstHash, ...consistencyPath] : consistencyPath;
  // 3. fn = first - 1, sn = second - 1.
  let fn = first - 1;
  let sn = second - 1;
  // 4. If LSB(fn) is set, shift both until LSB(fn) is not set.
  while (lsb(fn)) {
    fn = shr(fn);
    sn = shr(sn);
  }
  // 5. fr = sr = first value of the path.
  let fr = path[0];
  let sr = path[0];
  // 6. For each subsequent value c:
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    // a. sn == 0 fails.
    if (sn === 0) return false;
    // b. If LSB(fn) or fn == sn:
    if (lsb(fn) || fn === sn) {
      // i. fr = HASH(0x01 || c || fr); ii. sr = HASH(0x01 || c || sr)
      fr = hashNode(c, fr);
      sr = hashNode(c, sr);
      // iii. If LSB(fn) is not set, shift both until LSB(fn) is set or fn is 0.
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      // Otherwise: sr = HASH(0x01 || sr || c)
      sr = hashNode(sr, c);
    }
    // c. Shift both once.
    fn = shr(fn);
    sn = shr(sn);
  }
  // 7. fr == first_hash, sr == second_hash, sn == 0.
  return sn === 0 && bytesEqual(fr, firstHash) && bytesEqual(sr, secondHash);
}

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function lsb(n: number): boolean {
  return n % 2 === 1;
}

function shr(n: number): number {
  return Math.floor(n / 2);
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
