import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';

/**
 * Token bucket per organisation, per instance. With N instances behind a balancer the effective
 * limit is N times this; set RATE_LIMIT_* per instance accordingly.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token; returns 0 when allowed, else the seconds to wait. */
  take(key: string): number {
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.burst, at: t };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }
}

/**
 * The one per-organisation limit of this instance (RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST),
 * shared by the signed API and the IG console, so an organisation's console use and API calls
 * draw on the same bucket.
 */
@Injectable()
export class OrganisationRateLimiter extends RateLimiter {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config.rateLimitPerSecond, config.rateLimitBurst);
  }
}
