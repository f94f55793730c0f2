/**
 * Misuse flags, computed from access-log entries by one pure function so that the rules can be
 * tested against a seeded scenario with timestamps the test controls.
 *
 * Flag ids are derived from the evidence (actor and first entry index, or the entry index), so
 * the same log always gives the same ids and a review recorded against an id stays attached.
 */
import { isWorkingHours, londonTime } from './working-hours.js';

/** The members of an access-log entry the rules look at (a StoredAccessLogEntry fits). */
export interface FlaggableEntry {
  index: number;
  timestamp: string;
  actor: { org: string; sub: string };
  action: string;
  crn: string | null;
  decision: 'ALLOW' | 'DENY';
  agreement: { id: string; version: number } | null;
  ownerOrg: string | null;
  breakGlass: boolean;
}

/** What the agreement rule needs to know about one agreement. */
export interface AgreementFacts {
  id: string;
  status: string;
  /** When the current status was set by suspend/terminate (null when never). */
  statusChangedAt: Date | null;
  reviewBy: Date | null;
}

export const FLAG_KINDS = [
  'BULK_ACCESS',
  'REPEATED_DENIALS',
  'OUTSIDE_WORKING_HOURS',
  'AGREEMENT_SUSPENDED',
  'AGREEMENT_REVIEW_OVERDUE',
  'BREAK_GLASS',
] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export interface MisuseFlag {
  id: string;
  kind: FlagKind;
  actor: { org: string; sub: string };
  /** First and last evidence timestamps. */
  from: string;
  to: string;
  /** Indices of the entries that make the case, ascending. */
  evidence: number[];
  summary: string;
}

export interface FlagRules {
  /** More distinct CRNs than this read by one actor within an hour is bulk access. */
  bulkAccessThreshold: number;
  /** This many denials or more for one actor within an hour. */
  repeatedDenialThreshold: number;
}

export const DEFAULT_DENIAL_THRESHOLD = 5;
const HOUR_MS = 3_600_000;

/**
 * Reads of a person's data by the actor, as opposed to IG's own review of the log: the
 * console's and the access-log API's reads are themselves logged with a CRN, and counting them
 * would flag the reviewers for doing their job.
 */
export function isCaseAccess(e: FlaggableEntry): boolean {
  return (
    e.crn !== null &&
    !e.action.startsWith('ig.') &&
    !e.action.startsWith('access-log.') &&
    !e.action.startsWith('subject.')
  );
}

/** Every flag the entries raise, ordered by first evidence. */
export function computeFlags(
  entries: readonly FlaggableEntry[],
  agreements: ReadonlyMap<string, AgreementFacts>,
  rules: FlagRules,
): MisuseFlag[] {
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
        single('BREAK_GLASS', e, `Break-glass ${e.decision === 'ALLOW' ? 'read' : 'attempt'} of ${e.crn ?? e.action}`),
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

/**
 * What a window rule counts: told of each entry entering and leaving the window, it says whether
 * the window as it stands (of `size` entries) makes a case.
 */
interface WindowTally {
  enter(e: FlaggableEntry): void;
  leave(e: FlaggableEntry): void;
  holds(size: number): boolean;
}

/**
 * Slides a one-hour window over one actor's entries (in log order) with two pointers; wherever
 * the tally holds, the window's entries become evidence. Overlapping windows merge into one flag.
 *
 * Linear in the entries (one actor may have tens of thousands in a review): each timestamp is
 * parsed once and each entry enters and leaves the tally once. The window is always the range
 * list[start..end] and start never moves back, so overlapping qualifying windows merge into the
 * single range list[groupStart..groupEnd].
 */
function windows(list: readonly FlaggableEntry[], tally: WindowTally): FlaggableEntry[][] {
  const found: FlaggableEntry[][] = [];
  const times = list.map((e) => Date.parse(e.timestamp));
  let groupStart = -1;
  let groupEnd = -1;
  let start = 0;
  for (let end = 0; end < list.length; end++) {
    tally.enter(list[end]);
    while (times[end] - times[start] >= HOUR_MS) tally.leave(list[start++]);
    if (!tally.holds(end - start + 1)) continue;
    if (groupEnd < 0 || start > groupEnd) {
      if (groupEnd >= 0) found.push(evidenceIn(list, groupStart, groupEnd));
      groupStart = start;
    }
    groupEnd = end;
  }
  if (groupEnd >= 0) found.push(evidenceIn(list, groupStart, groupEnd));
  return found;
}

/** list[from..to], one entry per index (the last, should the log ever repeat an index). */
function evidenceIn(list: readonly FlaggableEntry[], from: number, to: number): FlaggableEntry[] {
  const evidence: FlaggableEntry[] = [];
  for (let i = from; i <= to; i++) if (i === to || list[i + 1].index !== list[i].index) evidence.push(list[i]);
  return evidence;
}

function bulkAccess(list: readonly FlaggableEntry[], threshold: number): MisuseFlag[] {
  const reads = list.filter((e) => isCaseAccess(e) && e.decision === 'ALLOW');
  /** Reads in the window per CRN: its size is the number of different people read. */
  const perCrn = new Map<string | null, number>();
  const tally: WindowTally = {
    enter: (e) => perCrn.set(e.crn, (perCrn.get(e.crn) ?? 0) + 1),
    leave: (e) => {
      const n = perCrn.get(e.crn)! - 1;
      if (n === 0) perCrn.delete(e.crn);
      else perCrn.set(e.crn, n);
    },
    holds: () => perCrn.size > threshold,
  };
  return windows(reads, tally).map((evidence) =>
    grouped(
      'BULK_ACCESS',
      evidence,
      `${new Set(evidence.map((e) => e.crn)).size} different people's records read within an hour (threshold ${threshold})`,
    ),
  );
}

function repeatedDenials(list: readonly FlaggableEntry[], threshold: number): MisuseFlag[] {
  const denials = list.filter((e) => e.decision === 'DENY');
  const tally: WindowTally = { enter: () => {}, leave: () => {}, holds: (size) => size >= threshold };
  return windows(denials, tally).map((evidence) =>
    grouped('REPEATED_DENIALS', evidence, `${evidence.length} refused requests within an hour`),
  );
}

/** One flag per actor and London calendar day, so a night's work is one item to review. */
function outsideHours(list: readonly FlaggableEntry[]): MisuseFlag[] {
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

function agreementFlags(
  entries: readonly FlaggableEntry[],
  agreements: ReadonlyMap<string, AgreementFacts>,
): MisuseFlag[] {
  const flags: MisuseFlag[] = [];
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

function grouped(kind: FlagKind, evidence: readonly FlaggableEntry[], summary: string): MisuseFlag {
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

function single(kind: FlagKind, e: FlaggableEntry, summary: string): MisuseFlag {
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
