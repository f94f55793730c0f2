import { RateLimiter } from './rate-limiter.js';

describe(RateLimiter.name, () => {
  let now: number;
  const sut = (perSecond: number, burst: number) => new RateLimiter(perSecond, burst, () => now);

  beforeEach(() => {
    now = 1_000;
  });

  it('allows a burst, then asks the caller to wait', () => {
    const limiter = sut(1, 3);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
  });

  it('refills at the configured rate, never above the burst', () => {
    const limiter = sut(2, 2);
    limiter.take('a');
    limiter.take('a');
    now += 500; // one token at 2/s
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    now += 60_000;
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 1]);
  });

  it('keeps one bucket per key', () => {
    const limiter = sut(1, 1);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
  });

  it('answers whole seconds, at least one, as Retry-After needs', () => {
    const limiter = sut(0.1, 1);
    limiter.take('a');
    expect(limiter.take('a')).toBe(10);
  });
});
