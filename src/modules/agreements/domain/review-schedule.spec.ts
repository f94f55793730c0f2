import { addMonths, nextReviewAfter, reviewDates, reviewDueAt } from './review-schedule.js';

const d = (s: string) => new Date(s);

describe('review schedule', () => {
  it('adds calendar months, clamping to the end of a shorter month without drifting', () => {
    expect(addMonths(d('2026-01-31T09:00:00Z'), 1)).toEqual(d('2026-02-28T09:00:00Z'));
    expect(addMonths(d('2027-11-30T00:00:00Z'), 3)).toEqual(d('2028-02-29T00:00:00Z'));
    expect(reviewDates(d('2026-01-31T00:00:00Z'), 1, d('2026-04-01T00:00:00Z'))).toEqual([
      d('2026-01-31T00:00:00Z'),
      d('2026-02-28T00:00:00Z'),
      d('2026-03-31T00:00:00Z'),
    ]);
  });

  it('is reviewBy alone without an interval', () => {
    expect(reviewDates(d('2026-06-01T00:00:00Z'), null, d('2030-01-01T00:00:00Z'))).toEqual([
      d('2026-06-01T00:00:00Z'),
    ]);
  });

  it('answers the latest review date reached and the next one ahead, within validity', () => {
    const reviewBy = d('2026-06-01T00:00:00Z');
    const validTo = d('2027-07-01T00:00:00Z');
    expect(reviewDueAt(reviewBy, 6, validTo, d('2026-05-31T23:59:59Z'))).toBeNull();
    expect(reviewDueAt(reviewBy, 6, validTo, reviewBy)).toEqual(reviewBy);
    expect(reviewDueAt(reviewBy, 6, validTo, d('2027-01-15T00:00:00Z'))).toEqual(d('2026-12-01T00:00:00Z'));
    expect(reviewDueAt(reviewBy, null, validTo, d('2027-01-15T00:00:00Z'))).toEqual(reviewBy);
    expect(nextReviewAfter(reviewBy, 6, validTo, d('2027-01-15T00:00:00Z'))).toEqual(d('2027-06-01T00:00:00Z'));
    expect(nextReviewAfter(reviewBy, 6, validTo, d('2027-06-15T00:00:00Z'))).toBeNull();
  });
});
