/**
 * `at` plus `months` calendar months in UTC, the day clamped to the end of a shorter month
 * (31 January plus one month is 28 or 29 February), the time of day kept.
 */
export function addMonths(at: Date, months: number): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = new Date(at.getTime());
  d.setUTCFullYear(y, m, Math.min(at.getUTCDate(), last));
  return d;
}

/**
 * The review dates of a version in force: reviewBy, then every `intervalMonths` after it (each
 * counted from reviewBy, so a clamped month end does not drift), while before `until` (the
 * version's validTo). No interval: reviewBy alone.
 */
export function reviewDates(reviewBy: Date, intervalMonths: number | null, until: Date): Date[] {
  const dates = [reviewBy];
  if (intervalMonths === null) return dates;
  for (let k = 1; ; k++) {
    const next = addMonths(reviewBy, k * intervalMonths);
    if (next.getTime() >= until.getTime()) return dates;
    dates.push(next);
  }
}

/** The latest review date of the schedule at or before `now`; null while the first is still ahead. */
export function reviewDueAt(reviewBy: Date, intervalMonths: number | null, until: Date, now: Date): Date | null {
  let due: Date | null = null;
  for (const d of reviewDates(reviewBy, intervalMonths, until)) {
    if (d.getTime() > now.getTime()) break;
    due = d;
  }
  return due;
}

/** The first review date of the schedule after `now`; null when none is left before `until`. */
export function nextReviewAfter(reviewBy: Date, intervalMonths: number | null, until: Date, now: Date): Date | null {
  return reviewDates(reviewBy, intervalMonths, until).find((d) => d.getTime() > now.getTime()) ?? null;
}
