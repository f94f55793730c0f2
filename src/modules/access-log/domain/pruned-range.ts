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

/** Adjacent prunings merged: the pruned entries as few contiguous index spans. */
export interface PrunedSpan {
  from: number;
  to: number;
  /** How many recorded prunings the span joins. */
  prunings: number;
  /** The newest cutoff among them (RFC 3339). */
  cutoff: string;
  /** When the first and the last of them ran (RFC 3339). */
  firstPrunedAt: string;
  lastPrunedAt: string;
}

/** Merges ranges that touch (the next starts right after the previous ends); `ranges` ordered by `from`. */
export function prunedSpans(ranges: readonly PrunedRange[]): PrunedSpan[] {
  const spans: PrunedSpan[] = [];
  for (const r of ranges) {
    const last = spans[spans.length - 1];
    if (last && r.from === last.to + 1) {
      last.to = r.to;
      last.prunings++;
      if (r.cutoff > last.cutoff) last.cutoff = r.cutoff;
      last.lastPrunedAt = r.prunedAt;
    } else {
      spans.push({
        from: r.from,
        to: r.to,
        prunings: 1,
        cutoff: r.cutoff,
        firstPrunedAt: r.prunedAt,
        lastPrunedAt: r.prunedAt,
      });
    }
  }
  return spans;
}
