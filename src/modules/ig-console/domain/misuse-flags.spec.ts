import { computeFlags, type AgreementFacts, type FlaggableEntry } from './misuse-flags.js';
import { isWorkingHours, londonTime } from './working-hours.js';

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
    const bulk = ['X200001', 'X200002', 'X200003', 'X200004', 'X200005'].map((crn, i) =>
      add(at(`10:${String(i * 10).padStart(2, '0')}`), { sub: 'user:bulk', crn }),
    );
    // The same actor two hours later reading one more case is not part of that burst.
    add(at('13:00'), { sub: 'user:bulk', crn: 'X200006' });
    // After hours: two reads at night (one flag for the day), one early morning next day.
    const night1 = add(at('22:15'), { sub: 'user:night', crn: 'X300001' });
    const night2 = add(at('23:40'), { sub: 'user:night', crn: 'X300002' });
    // Repeated denials: five refused reads within the hour.
    const denials = [0, 5, 10, 15, 20].map((m) =>
      add(at(`14:${String(m).padStart(2, '0')}`), { sub: 'user:prober', crn: `X40000${m / 5}`, decision: 'DENY' }),
    );
    // Four denials by someone else: below the threshold.
    [0, 5, 10, 15].forEach((m) =>
      add(at(`15:${String(m).padStart(2, '0')}`), { sub: 'user:unlucky', decision: 'DENY' }),
    );
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
      [
        'agr-s',
        {
          id: 'agr-s',
          status: 'SUSPENDED',
          statusChangedAt: new Date(at('12:00')),
          reviewBy: new Date('2026-06-01T00:00:00Z'),
        },
      ],
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
    expect(computeFlags(entries, new Map(), rules).map((f) => f.id)).toEqual(
      computeFlags([...entries].reverse(), new Map(), rules).map((f) => f.id),
    );
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

/**
 * The rule set as it was before the one-hour window became a two-pointer sweep (it copied the
 * window and rebuilt a Set for every entry: quadratic in one actor's entries). Kept verbatim as
 * the reference the sweep must match for every input.
 */
const reference = (() => {
  const HOUR_MS = 3_600_000;
  type Rules = { bulkAccessThreshold: number; repeatedDenialThreshold: number };
  type Flag = ReturnType<typeof computeFlags>[number];
  type Kind = Flag['kind'];

  function isCaseAccess(e: FlaggableEntry): boolean {
    return (
      e.crn !== null &&
      !e.action.startsWith('ig.') &&
      !e.action.startsWith('access-log.') &&
      !e.action.startsWith('subject.')
    );
  }

  function computeFlagsOld(
    entries: readonly FlaggableEntry[],
    agreements: ReadonlyMap<string, AgreementFacts>,
    rules: Rules,
  ): Flag[] {
    const sorted = [...entries].sort((a, b) => a.index - b.index);
    const flags = [
      ...byActor(sorted).flatMap((list) => [
        ...bulkAccess(list, rules.bulkAccessThreshold),
        ...repeatedDenials(list, rules.repeatedDenialThreshold),
        ...outsideHours(list),
      ]),
      ...agreementFlags(sorted, agreements),
      ...sorted
        .filter((e) => e.breakGlass)
        .map((e) =>
          single(
            'BREAK_GLASS',
            e,
            `Break-glass ${e.decision === 'ALLOW' ? 'read' : 'attempt'} of ${e.crn ?? e.action}`,
          ),
        ),
    ];
    return flags.sort((a, b) => a.evidence[0] - b.evidence[0] || a.kind.localeCompare(b.kind));
  }

  function byActor(entries: readonly FlaggableEntry[]): FlaggableEntry[][] {
    const groups = new Map<string, FlaggableEntry[]>();
    for (const e of entries) {
      const key = `${e.actor.org}\u0000${e.actor.sub}`;
      const list = groups.get(key);
      if (list) list.push(e);
      else groups.set(key, [e]);
    }
    return [...groups.values()];
  }

  function windows(
    list: readonly FlaggableEntry[],
    over: (window: readonly FlaggableEntry[]) => boolean,
  ): FlaggableEntry[][] {
    const found: FlaggableEntry[][] = [];
    let current: Map<number, FlaggableEntry> | null = null;
    let lastEnd = -1;
    let start = 0;
    for (let end = 0; end < list.length; end++) {
      const endAt = Date.parse(list[end].timestamp);
      while (endAt - Date.parse(list[start].timestamp) >= HOUR_MS) start++;
      const window = list.slice(start, end + 1);
      if (!over(window)) continue;
      if (current === null || start > lastEnd) {
        current = new Map();
        found.push([]);
      }
      for (const e of window) current.set(e.index, e);
      found[found.length - 1] = [...current.values()].sort((a, b) => a.index - b.index);
      lastEnd = end;
    }
    return found;
  }

  function bulkAccess(list: readonly FlaggableEntry[], threshold: number): Flag[] {
    const reads = list.filter((e) => isCaseAccess(e) && e.decision === 'ALLOW');
    return windows(reads, (w) => new Set(w.map((e) => e.crn)).size > threshold).map((evidence) =>
      grouped(
        'BULK_ACCESS',
        evidence,
        `${new Set(evidence.map((e) => e.crn)).size} different people's records read within an hour (threshold ${threshold})`,
      ),
    );
  }

  function repeatedDenials(list: readonly FlaggableEntry[], threshold: number): Flag[] {
    const denials = list.filter((e) => e.decision === 'DENY');
    return windows(denials, (w) => w.length >= threshold).map((evidence) =>
      grouped('REPEATED_DENIALS', evidence, `${evidence.length} refused requests within an hour`),
    );
  }

  function outsideHours(list: readonly FlaggableEntry[]): Flag[] {
    const days = new Map<string, FlaggableEntry[]>();
    for (const e of list) {
      if (!isCaseAccess(e) || isWorkingHours(new Date(e.timestamp))) continue;
      const day = londonTime(new Date(e.timestamp)).date;
      const d = days.get(day);
      if (d) d.push(e);
      else days.set(day, [e]);
    }
    return [...days.entries()].map(([day, evidence]) =>
      grouped(
        'OUTSIDE_WORKING_HOURS',
        evidence,
        `${evidence.length} access${evidence.length === 1 ? '' : 'es'} outside working hours (Mon-Fri 08:00-18:00 London) on ${day}`,
      ),
    );
  }

  function agreementFlags(entries: readonly FlaggableEntry[], agreements: ReadonlyMap<string, AgreementFacts>): Flag[] {
    const flags: Flag[] = [];
    for (const e of entries) {
      if (e.agreement === null || e.decision !== 'ALLOW' || !isCaseAccess(e)) continue;
      const a = agreements.get(e.agreement.id);
      if (!a) continue;
      const at = Date.parse(e.timestamp);
      const stopped =
        (a.status === 'SUSPENDED' || a.status === 'TERMINATED') &&
        a.statusChangedAt !== null &&
        a.statusChangedAt.getTime() <= at;
      if (stopped)
        flags.push(
          single(
            'AGREEMENT_SUSPENDED',
            e,
            `Access under agreement ${a.id} after it was ${a.status.toLowerCase()} (${a.statusChangedAt?.toISOString()})`,
          ),
        );
      else if (a.reviewBy !== null && a.reviewBy.getTime() < at)
        flags.push(
          single(
            'AGREEMENT_REVIEW_OVERDUE',
            e,
            `Access under agreement ${a.id} past its review date (${a.reviewBy.toISOString().slice(0, 10)})`,
          ),
        );
    }
    return flags;
  }

  function grouped(kind: Kind, evidence: readonly FlaggableEntry[], summary: string): Flag {
    const first = evidence[0];
    return {
      id: `${kind.toLowerCase()}:${first.actor.org}:${first.actor.sub}:${first.index}`,
      kind,
      actor: { org: first.actor.org, sub: first.actor.sub },
      from: first.timestamp,
      to: evidence[evidence.length - 1].timestamp,
      evidence: evidence.map((e) => e.index),
      summary,
    };
  }

  function single(kind: Kind, e: FlaggableEntry, summary: string): Flag {
    return {
      id: `${kind.toLowerCase()}:${e.index}`,
      kind,
      actor: { org: e.actor.org, sub: e.actor.sub },
      from: e.timestamp,
      to: e.timestamp,
      evidence: [e.index],
      summary,
    };
  }

  return { computeFlagsOld };
})();

/** Deterministic PRNG (32-bit LCG, Numerical Recipes constants) so a failure reproduces. */
function lcg(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}

describe('computeFlags one-hour windows (pinned against the previous implementation)', () => {
  const base = Date.parse('2025-11-18T10:00:00.000Z');
  const iso = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
  /** Entries for one actor at the given minute offsets; indices follow the array order. */
  const run = (
    spec: { m: number; crn?: string | null; decision?: 'ALLOW' | 'DENY'; sub?: string; action?: string }[],
  ) => {
    const { entries, add } = scenario();
    for (const s of spec)
      add(iso(s.m), {
        sub: s.sub ?? 'user:a',
        crn: s.crn === undefined ? `X${String(entries.length).padStart(6, '0')}` : s.crn,
        decision: s.decision,
        action: s.action,
      });
    return entries;
  };
  const both = (entries: FlaggableEntry[], r = rules) => {
    const now = computeFlags(entries, new Map(), r);
    expect(now).toEqual(reference.computeFlagsOld(entries, new Map(), r));
    return now;
  };
  const shape = (flags: ReturnType<typeof computeFlags>) =>
    flags.map((f) => [f.kind, f.id, f.from, f.to, f.evidence, f.summary]);

  it('bulk access: exactly threshold distinct CRNs is not a flag, one more is', () => {
    expect(both(run([0, 10, 20].map((m) => ({ m }))))).toEqual([]);
    const flags = both(run([0, 10, 20, 30].map((m) => ({ m }))));
    expect(shape(flags)).toEqual([
      [
        'BULK_ACCESS',
        'bulk_access:police-cleveland:user:a:0',
        iso(0),
        iso(30),
        [0, 1, 2, 3],
        "4 different people's records read within an hour (threshold 3)",
      ],
    ]);
  });

  it('the window is under an hour: entries exactly 60 minutes apart are not in one window', () => {
    expect(both(run([0, 20, 40, 60].map((m) => ({ m }))))).toEqual([]);
    expect(shape(both(run([0, 20, 40, 59].map((m) => ({ m })))))).toEqual([
      [
        'BULK_ACCESS',
        'bulk_access:police-cleveland:user:a:0',
        iso(0),
        iso(59),
        [0, 1, 2, 3],
        "4 different people's records read within an hour (threshold 3)",
      ],
    ]);
  });

  it('repeated denials: exactly the threshold is a flag, one fewer is not', () => {
    expect(both(run([0, 5, 10, 15].map((m) => ({ m, decision: 'DENY' as const }))))).toEqual([]);
    expect(shape(both(run([0, 5, 10, 15, 20].map((m) => ({ m, decision: 'DENY' as const })))))).toEqual([
      [
        'REPEATED_DENIALS',
        'repeated_denials:police-cleveland:user:a:0',
        iso(0),
        iso(20),
        [0, 1, 2, 3, 4],
        '5 refused requests within an hour',
      ],
    ]);
  });

  it('two bursts far apart give two flags', () => {
    const flags = both(run([0, 5, 10, 15, 180, 185, 190, 195].map((m) => ({ m }))));
    expect(shape(flags)).toEqual([
      [
        'BULK_ACCESS',
        'bulk_access:police-cleveland:user:a:0',
        iso(0),
        iso(15),
        [0, 1, 2, 3],
        "4 different people's records read within an hour (threshold 3)",
      ],
      [
        'BULK_ACCESS',
        'bulk_access:police-cleveland:user:a:4',
        iso(180),
        iso(195),
        [4, 5, 6, 7],
        "4 different people's records read within an hour (threshold 3)",
      ],
    ]);
  });

  it('overlapping qualifying windows merge into one flag', () => {
    // Windows [0..3] (0-45) and [2..5] (30-85) and [3..6] (45-100) all qualify and overlap.
    const flags = both(run([0, 15, 30, 45, 70, 85, 100].map((m) => ({ m }))));
    expect(shape(flags)).toEqual([
      [
        'BULK_ACCESS',
        'bulk_access:police-cleveland:user:a:0',
        iso(0),
        iso(100),
        [0, 1, 2, 3, 4, 5, 6],
        "7 different people's records read within an hour (threshold 3)",
      ],
    ]);
  });

  it('adjacent but non-overlapping windows stay separate flags', () => {
    // [0..3] qualifies ending at index 3; the next qualifying window starts after index 3.
    const flags = both(run([0, 1, 2, 3, 70, 71, 72, 73].map((m) => ({ m }))));
    expect(flags.map((f) => f.evidence)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  it('repeated reads of one CRN count once, but stay in the evidence', () => {
    const flags = both(
      run([
        { m: 0, crn: 'X1' },
        { m: 1, crn: 'X1' },
        { m: 2, crn: 'X2' },
        { m: 3, crn: 'X1' },
        { m: 4, crn: 'X3' },
        { m: 5, crn: 'X2' },
        { m: 6, crn: 'X4' },
      ]),
    );
    expect(shape(flags)).toEqual([
      [
        'BULK_ACCESS',
        'bulk_access:police-cleveland:user:a:0',
        iso(0),
        iso(6),
        [0, 1, 2, 3, 4, 5, 6],
        "4 different people's records read within an hour (threshold 3)",
      ],
    ]);
    // The duplicate leaving the window does not drop the CRN while another read of it remains.
    expect(
      both(
        run([
          { m: 0, crn: 'X1' },
          { m: 30, crn: 'X1' },
          { m: 61, crn: 'X2' },
          { m: 62, crn: 'X3' },
          { m: 63, crn: 'X4' },
        ]),
      ).map((f) => f.evidence),
    ).toEqual([[1, 2, 3, 4]]);
  });

  it('denied reads and review reads are not bulk access, and do not break a burst', () => {
    const flags = both(
      run([
        { m: 0 },
        { m: 1, decision: 'DENY' },
        { m: 2, action: 'ig.entries.read' },
        { m: 3 },
        { m: 4, crn: null },
        { m: 5 },
        { m: 6 },
      ]),
    );
    expect(flags.map((f) => [f.kind, f.evidence])).toEqual([['BULK_ACCESS', [0, 3, 5, 6]]]);
  });

  it('works on log (index) order, whatever order the entries arrive in and even when timestamps go backwards', () => {
    const entries = run([0, 5, 10, 15, 20, 2, 7, 70, 71, 72, 73, 3].map((m) => ({ m })));
    const shuffled = [
      entries[5],
      entries[0],
      entries[11],
      entries[3],
      entries[8],
      entries[1],
      entries[10],
      entries[2],
      entries[4],
      entries[9],
      entries[6],
      entries[7],
    ];
    expect(both(shuffled)).toEqual(both(entries));
    const denials = run([0, 50, 5, 55, 10, 200, 6, 7, 8].map((m) => ({ m, decision: 'DENY' as const })));
    both([...denials].reverse());
    both(denials, { bulkAccessThreshold: 3, repeatedDenialThreshold: 2 });
  });

  it('keeps actors apart', () => {
    const flags = both(run([0, 1, 2, 3, 4, 5].map((m, i) => ({ m, sub: i % 2 ? 'user:b' : 'user:a' }))));
    expect(flags).toEqual([]);
    both(run([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((m, i) => ({ m, sub: i % 2 ? 'user:b' : 'user:a' }))), {
      bulkAccessThreshold: 3,
      repeatedDenialThreshold: 5,
    });
  });

  it('matches the previous implementation on random logs', () => {
    const rng = lcg(20251118);
    const actions = [
      'case.summary',
      'case.summary',
      'case.risk',
      'ig.entries.read',
      'access-log.search',
      'subject.report',
    ];
    let flagged = 0;
    for (let round = 0; round < 400; round++) {
      const n = 1 + rng.int(round < 300 ? 40 : 160);
      const crns = Array.from({ length: 1 + rng.int(8) }, (_, i) => `X${i}`);
      const subs = ['user:a', 'user:b', 'user:c'].slice(0, 1 + rng.int(3));
      const spread = rng.pick([90, 180, 600]);
      const monotone = rng.next() < 0.5;
      const denyRate = rng.next();
      const entries: FlaggableEntry[] = [];
      let t = 0;
      for (let i = 0; i < n; i++) {
        t = monotone ? t + rng.int(Math.ceil((spread * 2) / n) + 1) : rng.int(spread);
        // A five-minute grid now and then, so entries exactly an hour apart occur.
        const minutes = rng.next() < 0.3 ? Math.round(t / 5) * 5 : t + rng.int(60) / 60;
        const deny = rng.next() < denyRate;
        entries.push({
          // Rarely, two entries share an index (the old merge kept one per index).
          index: rng.next() < 0.05 && i > 0 ? entries[i - 1].index : i * 2,
          timestamp: new Date(base + minutes * 60_000).toISOString(),
          actor: { org: 'police-cleveland', sub: rng.pick(subs) },
          action: rng.pick(actions),
          crn: rng.next() < 0.1 ? null : rng.pick(crns),
          decision: deny ? 'DENY' : 'ALLOW',
          agreement: null,
          ownerOrg: 'nps-north-east',
          breakGlass: false,
        });
      }
      // Input order need not be log order.
      const input = rng.next() < 0.5 ? entries : [...entries].sort(() => rng.next() - 0.5);
      const r = { bulkAccessThreshold: rng.int(6), repeatedDenialThreshold: rng.int(7) };
      const got = computeFlags(input, new Map(), r);
      expect({ round, flags: got }).toEqual({ round, flags: reference.computeFlagsOld(input, new Map(), r) });
      if (got.some((f) => f.kind === 'BULK_ACCESS' || f.kind === 'REPEATED_DENIALS')) flagged++;
    }
    // The random logs do exercise the window rules, not just the empty case.
    expect(flagged).toBeGreaterThan(100);
  });

  it('copes with MAX_ENTRIES (20,000) entries for one actor', () => {
    const { entries, add } = scenario();
    for (let i = 0; i < 20_000; i++)
      add(iso(i / 100), { sub: 'user:bulk', crn: `X${i}`, decision: i % 3 ? 'ALLOW' : 'DENY' });
    const flags = computeFlags(entries, new Map(), rules);
    expect(flags.filter((f) => f.kind === 'BULK_ACCESS').map((f) => f.evidence.length)).toEqual([13_333]);
    expect(flags.filter((f) => f.kind === 'REPEATED_DENIALS').map((f) => f.evidence.length)).toEqual([6_667]);
  });
});
