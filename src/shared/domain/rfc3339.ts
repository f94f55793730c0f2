const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** The first instant an RFC 3339 date-time may denote here: 0001-01-01T00:00:00Z. */
export const EARLIEST_INSTANT = new Date('0001-01-01T00:00:00.000Z');
/** The last: 9999-12-31T23:59:59.999Z. */
export const LATEST_INSTANT = new Date('9999-12-31T23:59:59.999Z');

/**
 * Parses an RFC 3339 date-time strictly: a calendar date that exists (no 31 February, which
 * `Date` would roll over into March), a time offset, no leap second, and an instant from
 * EARLIEST_INSTANT to LATEST_INSTANT in UTC. An offset can carry a written year 0000 or 9999
 * outside that range, where `toISOString` writes six-digit years that neither this parser nor
 * PostgreSQL reads back. Null when invalid.
 */
export function parseRfc3339(s: string): Date | null {
  const m = RFC3339.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return null;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > daysInMonth) return null;
  const at = new Date(s);
  if (Number.isNaN(at.getTime()) || at < EARLIEST_INSTANT || at > LATEST_INSTANT) return null;
  return at;
}

/** RFC 3339 UTC, without a fraction when there is none (2025-04-01T00:00:00Z). */
export function formatRfc3339(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
