import { queueOrder } from './decision-queue.js';

describe(queueOrder.name, () => {
  it('puts URGENT first, then the least time left, then the oldest', () => {
    const r = (id: string, urgency: string, dueBy: string, submittedAt = '2026-12-01T00:00:00Z') => ({
      id,
      urgency,
      dueBy,
      submittedAt,
    });
    const items = [
      r('routine-soon', 'ROUTINE', '2026-12-02T00:00:00Z'),
      r('urgent-late', 'URGENT', '2026-12-06T00:00:00Z'),
      r('routine-overdue', 'ROUTINE', '2026-11-30T00:00:00Z'),
      r('urgent-soon', 'URGENT', '2026-12-05T00:00:00Z'),
      r('routine-soon-newer', 'ROUTINE', '2026-12-02T00:00:00Z', '2026-12-01T05:00:00Z'),
    ];
    expect(queueOrder(items).map((i) => i.id)).toEqual([
      'urgent-soon',
      'urgent-late',
      'routine-overdue',
      'routine-soon',
      'routine-soon-newer',
    ]);
    expect(items[0].id).toBe('routine-soon');
  });
});
