import type { Urgency } from './exchange-request.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const isWorkingDay = (t: number) => {
  const day = new Date(t).getUTCDay();
  return day !== 0 && day !== 6;
};

/** URGENT requests (a recall decision) must be answered within 24 hours (docs/domain.md). */
export const URGENT_HOURS = 24;
/** ROUTINE requests within 10 working days. */
export const ROUTINE_WORKING_DAYS = 10;

/**
 * When an answer is due. URGENT: 24 hours after submission, whatever the day. ROUTINE: the same
 * time of day, 10 working days (Monday to Friday, in UTC) after submission: each following
 * calendar day that is a weekday counts one, so a request made on a Saturday is due on the
 * second Friday after it. Bank holidays are not known to the gateway and count as working days.
 */
export function dueBy(submittedAt: Date, urgency: Urgency): Date {
  if (urgency === 'URGENT') return new Date(submittedAt.getTime() + URGENT_HOURS * HOUR_MS);
  let t = submittedAt.getTime();
  let counted = 0;
  while (counted < ROUTINE_WORKING_DAYS) {
    t += DAY_MS;
    if (isWorkingDay(t)) counted++;
  }
  return new Date(t);
}

/** How long before its due time an URGENT request is `due-soon`. */
export const URGENT_NOTICE_HOURS = 4;

/**
 * When a request becomes `due-soon` (the data owner is reminded). URGENT: 4 hours before it is
 * due. ROUTINE: one working day before, the same time of day: the closest earlier weekday (UTC),
 * so a request due on a Monday is due soon from the Friday before.
 */
export function dueSoonAt(due: Date, urgency: Urgency): Date {
  if (urgency === 'URGENT') return new Date(due.getTime() - URGENT_NOTICE_HOURS * HOUR_MS);
  let t = due.getTime() - DAY_MS;
  while (!isWorkingDay(t)) t -= DAY_MS;
  return new Date(t);
}
