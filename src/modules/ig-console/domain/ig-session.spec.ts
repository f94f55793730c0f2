import { IDLE_TIMEOUT_MS, isLive } from './ig-session.js';

describe('isLive', () => {
  const start = new Date('2026-01-05T09:00:00Z');
  const session = { lastSeenAt: start, expiresAt: new Date(start.getTime() + 8 * 3_600_000) };

  it('holds while used within the idle timeout and before the maximum lifetime', () => {
    expect(isLive(session, new Date(start.getTime() + IDLE_TIMEOUT_MS - 1))).toBe(true);
  });

  it('ends after 30 minutes idle', () => {
    expect(isLive(session, new Date(start.getTime() + IDLE_TIMEOUT_MS))).toBe(false);
  });

  it('ends at the maximum lifetime however active', () => {
    const busy = { ...session, lastSeenAt: new Date(session.expiresAt.getTime() - 1000) };
    expect(isLive(busy, session.expiresAt)).toBe(false);
  });
});
