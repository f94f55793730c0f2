/** The gateway's codes in the words people use (pages only; the API keeps the codes). */

/** Status words and the GOV.UK tag colour of each. */
export const STATUS_TAGS: Record<string, { text: string; classes: string }> = {
  SUBMITTED: { text: 'Waiting for a decision', classes: 'govuk-tag--blue' },
  APPROVED: { text: 'Approved, being released', classes: 'govuk-tag--light-blue' },
  FULFILLED: { text: 'Answered', classes: 'govuk-tag--green' },
  REFUSED: { text: 'Refused', classes: 'govuk-tag--red' },
  EXPIRED: { text: 'Expired', classes: 'govuk-tag--grey' },
};

/** A code in words, or the code itself where no words are known. */
export function words(table: Record<string, string>, code: string): string {
  return table[code] ?? code;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The time left before a deadline in words: "3 hours 12 minutes left", "overdue by 2 hours",
 * "4 days 3 hours left" (the two largest units, a zero second unit left out, minutes rounded down).
 */
export function timeLeft(dueBy: Date, now: Date): { text: string; overdue: boolean } {
  const ms = dueBy.getTime() - now.getTime();
  const overdue = ms < 0;
  const span = Math.abs(ms);
  if (span < MINUTE) return { text: overdue ? 'overdue by less than a minute' : 'less than a minute left', overdue };
  const units: [number, string][] = [
    [DAY, 'day'],
    [HOUR, 'hour'],
    [MINUTE, 'minute'],
  ];
  const first = units.findIndex(([size]) => span >= size);
  const parts: string[] = [];
  let rest = span;
  for (const [size, name] of units.slice(first, first + 2)) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
  }
  const amount = parts.join(' ');
  return { text: overdue ? `overdue by ${amount}` : `${amount} left`, overdue };
}
