import { computeFlags, type AgreementFacts, type FlaggableEntry } from './misuse-flags.js';
import { isWorkingHours } from './working-hours.js';

/** Builds entries with timestamps the test controls; indices follow the order of creation. */
function scenario() {
  const entries: FlaggableEntry[] = [];
  const add = (at: string, e: Partial<FlaggableEntry> & { sub: string; org?: string }) => {
    entries.push({
      index: entries.length,
      timestamp: at,
      actor: { org: e.org ?? 'police-cleveland', sub: e.sub },
      action: e.action ?? 'case.summary',
      crn: e.crn === undefined ? 'X000001' : e.crn,
      decision: e.decision ?? 'ALLOW',
      agreement: e.agreement ?? null,
      ownerOrg: e.ownerOrg ?? 'nps-north-east',
      breakGlass: e.breakGlass ?? false,
    });
    return entries.length - 1;
  };
  return { entries, add };
}

const rules = { bulkAccessThreshold: 3, repeatedDenialThreshold: 5 };
// Tuesday 2025-11-18: GMT, so London time equals UTC.
const at = (hhmm: string, day = '2025-11-18') => `${day}T${hhmm}:00.000Z`;

describe('computeFlags', () => {
  it('raises exactly the expected flags for a seeded misuse scenario', () => {
    const { entries, add } = scenario();
    // An ordinary day's work: two cases in office hours, no flag.
    add(at('09:00'), { sub: 'user:normal', crn: 'X100001' });
    add(at('09:30'), { sub: 'user:normal', crn: 'X100002' });
    // Bulk: five different people within 40 minutes (threshold 3).
    const bulk = ['X200001', 'X200002', 'X200003', 'X200004', 'X200005'].map((crn, i) => add(at(`10:${String(i * 10).padStart(2, '0')}`), { sub: 'user:bulk', crn }));
    // The same actor two hours later reading one more case is not part of that burst.
    add(at('13:00'), { sub: 'user:bulk', crn: 'X200006' });
    // After hours: two reads at night (one flag for the day), one early morning next day.
    const night1 = add(at('22:15'), { sub: 'user:night', crn: 'X300001' });
    const night2 = add(at('23:40'), { sub: 'user:night', crn: 'X300002' });
    // Repeated denials: five refused reads within the hour.
    const denials = [0, 5, 10, 15, 20].map((m) => add(at(`14:${String(m).padStart(2, '0')}`), { sub: 'user:prober', crn: `X40000${m / 5}`, decision: 'DENY' }));
    // Four denials by someone else: below the threshold.
    [0, 5, 10, 15].forEach((m) => add(at(`15:${String(m).padStart(2, '0')}`), { sub: 'user:unlucky', decision: 'DENY' }));
    // Under a suspended agreement (suspended at 12:00), and under the same agreement before that.
    add(at('11:00'), { sub: 'user:normal', crn: 'X500001', agreement: { id: 'agr-s', version: 1 } });
    const suspended = add(at('12:30'), { sub: 'user:normal', crn: 'X500002', agreement: { id: 'agr-s', version: 1 } });
    // Past an agreement's review date.
    const overdue = add(at('12:45'), { sub: 'user:normal', crn: 'X500003', agreement: { id: 'agr-r', version: 2 } });
    // Break-glass read by a CRC offender manager.
    const glass = add(at('16:00'), { org: 'crc-northumbria', sub: 'user:om', crn: 'X600001', breakGlass: true });
    // IG's own review of the log at night is not case access.
    add(at('23:00'), { org: 'nps-north-east', sub: 'user:ig', action: 'ig.subject-report.read', crn: 'X100001' });
    // Saturday morning access is outside working hours.
    const saturday = add(at('10:00', '2025-11-22'), { sub: 'user:weekend', crn: 'X700001' });

    const agreements = new Map<string, AgreementFacts>([
      ['agr-s', { id: 'agr-s', status: 'SUSPENDED', statusChangedAt: new Date(at('12:00')), reviewBy: new Date('2026-06-01T00:00:00Z') }],
      ['agr-r', { id: 'agr-r', status: 'ACTIVE', statusChangedAt: null, reviewBy: new Date('2025-11-01T00:00:00Z') }],
    ]);

    const flags = computeFlags(entries, agreements, rules);

    expect(flags.map((f) => [f.kind, f.actor.sub, f.evidence])).toEqual(
      [
        ['BULK_ACCESS', 'user:bulk', bulk],
        ['OUTSIDE_WORKING_HOURS', 'user:night', [night1, night2]],
        ['REPEATED_DENIALS', 'user:prober', denials],
        ['AGREEMENT_SUSPENDED', 'user:normal', [suspended]],
        ['AGREEMENT_REVIEW_OVERDUE', 'user:normal', [overdue]],
        ['BREAK_GLASS', 'user:om', [glass]],
        ['OUTSIDE_WORKING_HOURS', 'user:weekend', [saturday]],
      ].sort((a, b) => (a[2] as number[])[0] - (b[2] as number[])[0]),
    );
    expect(new Set(flags.map((f) => f.id)).size).toBe(flags.length);
  });

  it('gives the same ids for the same log', () => {
    const { entries, add } = scenario();
    add(at('20:00'), { sub: 'user:a', breakGlass: true });
    expect(computeFlags(entries, new Map(), rules).map((f) => f.id)).toEqual(computeFlags([...entries].reverse(), new Map(), rules).map((f) => f.id));
  });

  it('does not count repeated reads of the same person as bulk access', () => {
    const { entries, add } = scenario();
    for (let i = 0; i < 10; i++) add(at(`10:${String(i * 5).padStart(2, '0')}`), { sub: 'user:a', crn: 'X000009' });
    expect(computeFlags(entries, new Map(), rules)).toEqual([]);
  });
});

describe('isWorkingHours', () => {
  it('follows British Summer Time', () => {
    // 2025-07-15 is a Tuesday; 07:30 UTC is 08:30 BST.
    expect(isWorkingHours(new Date('2025-07-15T07:30:00Z'))).toBe(true);
    expect(isWorkingHours(new Date('2025-07-15T17:30:00Z'))).toBe(false);
    expect(isWorkingHours(new Date('2025-11-18T07:30:00Z'))).toBe(false);
    expect(isWorkingHours(new Date('2025-11-18T17:59:00Z'))).toBe(true);
  });
});
