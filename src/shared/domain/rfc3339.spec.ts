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
    // Written years 9999 and 0000 whose offsets move the instant outside years 1 to 9999 in UTC.
    '9999-12-31T23:59:59-01:00',
    '0001-01-01T00:00:00+01:00',
    '0000-06-01T00:00:00Z',
  ])('refuses %s', (s) => {
    expect(parseRfc3339(s)).toBeNull();
  });

  it('accepts the first and last instants of years 1 to 9999, which format back to what parses', () => {
    for (const s of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '0001-01-01T00:59:59-00:00']) {
      const at = parseRfc3339(s);
      expect(at).toBeInstanceOf(Date);
      expect(parseRfc3339(formatRfc3339(at!))).toEqual(at);
    }
  });

  it('formats UTC without an empty fraction', () => {
    expect(formatRfc3339(new Date('2026-04-01T01:00:00+01:00'))).toBe('2026-04-01T00:00:00Z');
    expect(formatRfc3339(new Date('2026-04-01T00:00:00.250Z'))).toBe('2026-04-01T00:00:00.250Z');
  });
});
