/** What orders a request in the data owner's queue. */
export interface Queued {
  urgency: string;
  dueBy: string;
  submittedAt: string;
}

/**
 * The data owner's queue order: URGENT (recall) requests first, then the least time left before
 * `dueBy` (overdue ones first of all), then the oldest. Returns a new array.
 */
export function queueOrder<T extends Queued>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) =>
      Number(b.urgency === 'URGENT') - Number(a.urgency === 'URGENT') ||
      Date.parse(a.dueBy) - Date.parse(b.dueBy) ||
      Date.parse(a.submittedAt) - Date.parse(b.submittedAt),
  );
}
