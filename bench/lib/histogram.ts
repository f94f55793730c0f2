// A small HDR-style latency histogram: integer microseconds, log-linear buckets with 1024
// sub-buckets per power of two (values below 2048 µs are exact; above, the relative error is under
// 0.1 %). Fixed memory (~90 KB) whatever the number of samples, so long runs do not grow.

const SUB_BUCKET_BITS = 11; // 2048 sub-buckets in the first (exact) range
const SUB_BUCKET_COUNT = 1 << SUB_BUCKET_BITS;
const SUB_BUCKET_HALF = SUB_BUCKET_COUNT >> 1; // 1024 per further power of two
const MAX_VALUE = 2 ** 31 - 1; // ~35 minutes in µs; larger values are clamped
const BUCKETS = SUB_BUCKET_COUNT + (31 - SUB_BUCKET_BITS) * SUB_BUCKET_HALF;

function indexOf(v: number): number {
  if (v < SUB_BUCKET_COUNT) return v;
  const shift = 31 - Math.clz32(v) - (SUB_BUCKET_BITS - 1); // v >>> shift is in [1024, 2047]
  return SUB_BUCKET_COUNT + (shift - 1) * SUB_BUCKET_HALF + ((v >>> shift) - SUB_BUCKET_HALF);
}

/** Highest value that maps to bucket `i`. */
function highestOf(i: number): number {
  if (i < SUB_BUCKET_COUNT) return i;
  const j = i - SUB_BUCKET_COUNT;
  const shift = Math.floor(j / SUB_BUCKET_HALF) + 1;
  const sub = (j % SUB_BUCKET_HALF) + SUB_BUCKET_HALF;
  return sub * 2 ** shift + 2 ** shift - 1;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sum = 0;
  private minUs = Infinity;
  private maxUs = 0;

  /** Records one latency in milliseconds (fractions allowed; stored at 1 µs resolution). */
  recordMs(ms: number): void {
    this.recordUs(ms * 1000);
  }

  recordUs(us: number): void {
    let v = Math.round(us);
    if (!(v >= 0)) v = 0;
    if (v > MAX_VALUE) v = MAX_VALUE;
    this.counts[indexOf(v)]++;
    this.total++;
    this.sum += v;
    if (v < this.minUs) this.minUs = v;
    if (v > this.maxUs) this.maxUs = v;
  }

  get count(): number {
    return this.total;
  }

  /** Adds another histogram's samples to this one. */
  merge(other: LatencyHistogram): this {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
    this.sum += other.sum;
    this.minUs = Math.min(this.minUs, other.minUs);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
    return this;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.minUs = Infinity;
    this.maxUs = 0;
  }

  /**
   * The latency (ms) at or below which `p` percent of samples fall, HDR-style: the highest value
   * equivalent to the bucket holding the ceil(p% x count)-th sample, capped at the true maximum.
   * NaN when empty.
   */
  percentileMs(p: number): number {
    if (this.total === 0) return NaN;
    if (p >= 100) return this.maxUs / 1000;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(highestOf(i), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  get minMs(): number {
    return this.total ? this.minUs / 1000 : NaN;
  }
  get maxMs(): number {
    return this.total ? this.maxUs / 1000 : NaN;
  }
  get meanMs(): number {
    return this.total ? this.sum / this.total / 1000 : NaN;
  }
}
