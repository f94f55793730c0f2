/** One pruning: the bodies of entries [from, to] were removed at prunedAt, as older than cutoff. */
export interface PrunedRange {
  from: number;
  to: number;
  /** RFC 3339 */
  cutoff: string;
  /** RFC 3339 */
  prunedAt: string;
}

/** The range (of `ranges`, in any order) that holds `index`, if any. */
export function rangeHolding(ranges: readonly PrunedRange[], index: number): PrunedRange | undefined {
  return ranges.find((r) => r.from <= index && index <= r.to);
}
