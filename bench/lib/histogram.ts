// Latency percentiles with hdr-histogram-js: integer microseconds, 3 significant digits (relative
// error under 0.1 %), fixed memory whatever the number of samples, so long runs do not grow.
import hdr from 'hdr-histogram-js';

const MAX_VALUE = 2 ** 31 - 1; // ~35 minutes in µs; larger values are clamped

export class LatencyHistogram {
  private readonly h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_VALUE,
    numberOfSignificantValueDigits: 3,
  });
  private zeros = 0;

  /** Records one latency in milliseconds (fractions allowed; stored at 1 µs resolution). */
  recordMs(ms: number): void {
    this.recordUs(ms * 1000);
  }

  recordUs(us: number): void {
    const v = Math.min(MAX_VALUE, Math.max(0, Math.round(us) || 0));
    if (v === 0) this.zeros++;
    this.h.recordValue(v);
  }

  get count(): number {
    return this.h.totalCount;
  }

  /**
   * The latency (ms) at or below which `p` percent of samples fall: HDR's highest value equivalent to
   * the one at that rank, capped at the true maximum. NaN when empty.
   */
  percentileMs(p: number): number {
    if (this.count === 0) return NaN;
    return Math.min(this.h.getValueAtPercentile(Math.min(100, p)), this.h.maxValue) / 1000;
  }

  get minMs(): number {
    if (this.count === 0) return NaN;
    return this.zeros > 0 ? 0 : this.h.minNonZeroValue / 1000;
  }
  get maxMs(): number {
    return this.count ? this.h.maxValue / 1000 : NaN;
  }
  get meanMs(): number {
    return this.count ? this.h.mean / 1000 : NaN;
  }
}
