/**
 * Integer helpers for RFC 9162 tree shapes.
 *
 * Tree sizes are JavaScript numbers. Bitwise operators truncate to 32 bits, so these use plain
 * arithmetic (with a 32-bit fast path where it is exact) and stay correct up to 2^53 - 1.
 */
import type { NodeKey } from './types.js';

const TWO_POW_32 = 0x1_0000_0000;

/** Throws a RangeError unless `n` is a non-negative safe integer (a valid tree size or index). */
export function assertTreeSize(n: number, name = 'tree size'): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${String(n)}`);
  }
}

/** True when `n` is 1, 2, 4, 8, ... */
export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  let x = n;
  while (x >= TWO_POW_32) {
    if (x % 2 !== 0) return false;
    x /= 2;
  }
  // `x & (x - 1)` is exact here: ToInt32 keeps the low 32 bits, which are all of x's bits.
  return (x & (x - 1)) === 0;
}

/** The largest power of two <= n, for n >= 1. */
export function highestPowerOfTwoAtMost(n: number): number {
  if (n < 1) throw new RangeError(`expected n >= 1, got ${n}`);
  if (n < TWO_POW_32) return 2 ** (31 - Math.clz32(n));
  let k = TWO_POW_32;
  while (k * 2 <= n) k *= 2;
  return k;
}

/** The largest power of two strictly less than n, for n >= 2: the split point k of RFC 9162 2.1.1. */
export function largestPowerOfTwoBelow(n: number): number {
  if (n < 2) throw new RangeError(`expected n >= 2, got ${n}`);
  return highestPowerOfTwoAtMost(n - 1);
}

/** log2 of a power of two. */
export function log2Exact(powerOfTwo: number): number {
  if (powerOfTwo < TWO_POW_32) return 31 - Math.clz32(powerOfTwo);
  let level = 32;
  let k = TWO_POW_32;
  while (k < powerOfTwo) {
    k *= 2;
    level++;
  }
  return level;
}

/** Number of set bits in `n`: how many complete subtrees make up a tree of size n. */
export function popCount(n: number): number {
  let count = 0;
  let x = n;
  while (x > 0) {
    count += x % 2;
    x = Math.floor(x / 2);
  }
  return count;
}

/** LSB(n) of RFC 9162 2.1.3.2: true when the least significant bit is set. */
export function lsb(n: number): boolean {
  return n % 2 === 1;
}

/** One-bit right shift that stays exact above 2^31. */
export function shiftRight(n: number): number {
  return Math.floor(n / 2);
}

/**
 * Binary decomposition of the leaf range [start, start + size) into complete subtrees, largest
 * (leftmost) first. The MTH of the range is the right fold of their hashes with nodeHash.
 *
 * Only defined for ranges that arise in RFC 9162's recursion, where `start` is a multiple of the
 * power of two >= size; that alignment is what makes every piece a stored complete subtree.
 */
export function decomposeRange(start: number, size: number): NodeKey[] {
  const keys: NodeKey[] = [];
  let offset = start;
  let remaining = size;
  while (remaining > 0) {
    const width = highestPowerOfTwoAtMost(remaining);
    if (offset % width !== 0) {
      throw new RangeError(`leaf range [${start}, ${start + size}) is not aligned to complete subtrees`);
    }
    keys.push({ level: log2Exact(width), index: offset / width });
    offset += width;
    remaining -= width;
  }
  return keys;
}
