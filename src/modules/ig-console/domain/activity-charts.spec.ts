import { activityCharts, daysBetween } from './activity-charts.js';

describe('activityCharts', () => {
  const entry = (timestamp: string, over: Record<string, unknown> = {}) => ({
    timestamp,
    actor: { org: 'police-cleveland' },
    purpose: 'IOM' as string | null,
    decision: 'ALLOW',
    breakGlass: false,
    ...over,
  });

  it('counts accesses per UK day by organisation and purpose, denials and break-glass', () => {
    const charts = activityCharts(
      [
        entry('2026-07-01T09:00:00Z'),
        entry('2026-07-01T23:30:00Z'), // 00:30 on 2 July in London (BST)
        entry('2026-07-02T10:00:00Z', { actor: { org: 'crc-northumbria' }, purpose: 'RECALL', decision: 'DENY' }),
        entry('2026-07-03T10:00:00Z', { breakGlass: true, purpose: 'RISK_MANAGEMENT' }),
        entry('2026-07-03T11:00:00Z', { purpose: null }),
        entry('2026-06-01T11:00:00Z'),
      ],
      { from: new Date('2026-07-01T00:00:00Z'), to: new Date('2026-07-03T20:00:00Z') },
    );
    expect(charts.days).toEqual(['2026-07-01', '2026-07-02', '2026-07-03']);
    expect(charts.accessesByOrganisation).toEqual([
      { key: 'police-cleveland', counts: [1, 1, 1] },
      { key: 'crc-northumbria', counts: [0, 1, 0] },
    ]);
    expect(charts.accessesByPurpose).toEqual([
      { key: 'IOM', counts: [1, 1, 0] },
      { key: 'RECALL', counts: [0, 1, 0] },
      { key: 'RISK_MANAGEMENT', counts: [0, 0, 1] },
    ]);
    expect(charts.denials).toEqual([0, 1, 0]);
    expect(charts.breakGlass).toEqual([0, 0, 1]);
    expect(charts.entriesExamined).toBe(6);
  });

  it('has one day per UK calendar day across a clock change', () => {
    expect(daysBetween(new Date('2026-03-28T23:30:00Z'), new Date('2026-03-30T00:30:00Z'))).toEqual([
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
    ]);
    expect(daysBetween(new Date('2026-10-24T12:00:00Z'), new Date('2026-10-27T12:00:00Z'))).toEqual([
      '2026-10-24',
      '2026-10-25',
      '2026-10-26',
      '2026-10-27',
    ]);
  });
});
