import {
  assertTreeSize,
  decomposeRange,
  highestPowerOfTwoAtMost,
  isPowerOfTwo,
  largestPowerOfTwoBelow,
  log2Exact,
  lsb,
  popCount,
  shiftRight,
} from './tree-math.js';

function naiveLargestBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

describe('tree-math', () => {
  it('largestPowerOfTwoBelow matches the naive definition for 2..5000', () => {
    for (let n = 2; n <= 5000; n++) expect(largestPowerOfTwoBelow(n)).toBe(naiveLargestBelow(n));
  });

  it.each([
    [2 ** 31, 2 ** 30],
    [2 ** 31 + 1, 2 ** 31],
    [2 ** 32, 2 ** 31],
    [2 ** 32 + 1, 2 ** 32],
    [2 ** 40 + 12345, 2 ** 40],
    [Number.MAX_SAFE_INTEGER, 2 ** 52],
  ])('largestPowerOfTwoBelow(%i) = %i beyond 32 bits', (n, k) => {
    expect(largestPowerOfTwoBelow(n)).toBe(k);
  });

  it('rejects sizes without a split point', () => {
    expect(() => largestPowerOfTwoBelow(1)).toThrow(RangeError);
    expect(() => highestPowerOfTwoAtMost(0)).toThrow(RangeError);
  });

  it('isPowerOfTwo, log2Exact and highestPowerOfTwoAtMost agree', () => {
    for (let level = 0; level <= 52; level++) {
      const p = 2 ** level;
      expect(isPowerOfTwo(p)).toBe(true);
      expect(log2Exact(p)).toBe(level);
      expect(highestPowerOfTwoAtMost(p)).toBe(p);
      if (p > 2) {
        expect(isPowerOfTwo(p - 1)).toBe(false);
        expect(isPowerOfTwo(p + 1)).toBe(false);
        expect(highestPowerOfTwoAtMost(p - 1)).toBe(p / 2);
      }
    }
    expect(isPowerOfTwo(0)).toBe(false);
    expect(isPowerOfTwo(-4)).toBe(false);
    expect(isPowerOfTwo(1.5)).toBe(false);
    expect(isPowerOfTwo(Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('popCount, lsb and shiftRight are exact beyond 32 bits', () => {
    expect(popCount(0)).toBe(0);
    expect(popCount(0b1011)).toBe(3);
    expect(popCount(Number.MAX_SAFE_INTEGER)).toBe(53);
    expect(lsb(2 ** 40 + 1)).toBe(true);
    expect(lsb(2 ** 40)).toBe(false);
    expect(shiftRight(2 ** 40 + 3)).toBe(2 ** 39 + 1);
  });

  it('decomposes a range into aligned complete subtrees, largest first', () => {
    expect(decomposeRange(0, 0)).toEqual([]);
    expect(decomposeRange(0, 13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(decomposeRange(8, 7)).toEqual([
      { level: 2, index: 2 },
      { level: 1, index: 6 },
      { level: 0, index: 14 },
    ]);
    expect(decomposeRange(2 ** 40, 2 ** 40)).toEqual([{ level: 40, index: 1 }]);
  });

  it('refuses ranges that are not aligned to complete subtrees', () => {
    expect(() => decomposeRange(1, 2)).toThrow(RangeError);
    expect(() => decomposeRange(4, 8)).toThrow(RangeError);
  });

  it.each([-1, 1.5, NaN, Infinity, 2 ** 53])('assertTreeSize rejects %p', (n) => {
    expect(() => assertTreeSize(n)).toThrow(RangeError);
  });
});
