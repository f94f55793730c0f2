import { prunedSpans, rangeHolding, type PrunedRange } from './pruned-range.js';

const range = (from: number, to: number, day: number): PrunedRange => ({
  from,
  to,
  cutoff: `2020-01-0${day}T00:00:00.000Z`,
  prunedAt: `2026-01-0${day}T00:00:00.000Z`,
});

describe('pruned ranges', () => {
  it('merges prunings that touch into one span, and keeps a gap as two', () => {
    expect(prunedSpans([range(0, 9, 1), range(10, 19, 2), range(21, 30, 3)])).toEqual([
      {
        from: 0,
        to: 19,
        prunings: 2,
        cutoff: '2020-01-02T00:00:00.000Z',
        firstPrunedAt: '2026-01-01T00:00:00.000Z',
        lastPrunedAt: '2026-01-02T00:00:00.000Z',
      },
      {
        from: 21,
        to: 30,
        prunings: 1,
        cutoff: '2020-01-03T00:00:00.000Z',
        firstPrunedAt: '2026-01-03T00:00:00.000Z',
        lastPrunedAt: '2026-01-03T00:00:00.000Z',
      },
    ]);
    expect(prunedSpans([])).toEqual([]);
  });

  it('finds the range holding an index, bounds included', () => {
    const ranges = [range(0, 9, 1), range(10, 19, 2)];
    expect(rangeHolding(ranges, 10)).toBe(ranges[1]);
    expect(rangeHolding(ranges, 9)).toBe(ranges[0]);
    expect(rangeHolding(ranges, 20)).toBeUndefined();
  });
});
