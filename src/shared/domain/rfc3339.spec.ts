import { formatRfc3339, parseRfc3339 } from './rfc3339.js';

describe(parseRfc3339.name, () => {
  it.each(['2026-04-01T00:00:00Z', '2026-04-01t10:30:00.123+01:00', '2024-02-29T23:59:59Z'])('accepts %s', (s) => {
    expect(parseRfc3339(s)).toBeInstanceOf(Date);
  });

  it.each([
    '2026-02-31T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-04-01',
    '2026-04-01T00:00:00',
    '2026-04-01T24:00:00Z',
    '2026-12-31T23:59:60Z',
    'yesterday',
  ])('refuses %s', (s) => {
    expect(parseRfc3339(s)).toBeNull();
  });

  it('formats UTC without an empty fraction', () => {
    expect(formatRfc3339(new Date('2026-04-01T01:00:00+01:00'))).toBe('2026-04-01T00:00:00Z');
    expect(formatRfc3339(new Date('2026-04-01T00:00:00.250Z'))).toBe('2026-04-01T00:00:00.250Z');
  });
});
