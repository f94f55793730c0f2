import { ValidationException, type FieldError } from '@shared/errors/index.js';
import { IgConsoleException, IgConsoleExceptionCode } from './ig-console.exception.js';

/**
 * A personal data breach in an organisation's IG records (DPA 2018 s.67, UK GDPR art. 33): the
 * controller reports it to the ICO without undue delay and, where feasible, within 72 hours of
 * becoming aware of it, unless it is unlikely to result in a risk to people.
 */
export const ICO_DEADLINE_MS = 72 * 3_600_000;

export const BREACH_SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type BreachSeverity = (typeof BREACH_SEVERITIES)[number];

/**
 * OPEN until the IG decides: REPORTED to the ICO (when, and its reference), or NOT_REPORTABLE
 * (why: the reason is the record art. 33(5) asks for); CLOSED once handled, after either.
 */
export const BREACH_STATUSES = ['OPEN', 'REPORTED', 'NOT_REPORTABLE', 'CLOSED'] as const;
export type BreachStatus = (typeof BREACH_STATUSES)[number];

/** What a breach is about; every version states all of it. */
export interface BreachFacts {
  summary: string;
  severity: BreachSeverity;
  /** Whether the breach is to be reported to the ICO; null until assessed. */
  reportable: boolean | null;
  crns: string[];
  agreementIds: string[];
  partnerOrgs: string[];
}

/** One state of a breach: the first is its recording, each later one a change. */
export interface BreachVersion extends BreachFacts {
  version: number;
  status: BreachStatus;
  icoReportedAt: Date | null;
  icoReference: string | null;
  notReportableReason: string | null;
  /** Why this version was recorded (null on the first). */
  note: string | null;
  recordedAt: Date;
  recordedBy: string;
}

export interface Breach {
  id: string;
  org: string;
  discoveredAt: Date;
  occurredAt: Date | null;
  icoDeadline: Date;
  createdAt: Date;
  createdBy: string;
  /** Oldest first; the last is the breach's current state. */
  versions: BreachVersion[];
}

export interface NewBreach extends BreachFacts {
  discoveredAt: Date;
  occurredAt: Date | null;
}

/** A change: the members given replace the current ones; `note` says why. */
export interface BreachChange extends Partial<BreachFacts> {
  status?: BreachStatus;
  icoReportedAt?: Date;
  icoReference?: string;
  notReportableReason?: string;
  note: string;
}

export const current = (b: Breach): BreachVersion => b.versions[b.versions.length - 1];

/** The first version of a breach recorded at `now`, or every broken rule, naming the field. */
export function recordBreach(
  input: NewBreach,
  by: string,
  now: Date,
): Omit<Breach, 'id' | 'org' | 'versions'> & { first: BreachVersion } {
  const errors: FieldError[] = [];
  if (input.discoveredAt.getTime() > now.getTime())
    errors.push({ field: 'discoveredAt', message: 'must not be in the future' });
  if (input.occurredAt && input.occurredAt.getTime() > input.discoveredAt.getTime())
    errors.push({ field: 'occurredAt', message: 'must not be after discoveredAt' });
  if (errors.length) throw invalid(errors);
  return {
    discoveredAt: input.discoveredAt,
    occurredAt: input.occurredAt,
    icoDeadline: new Date(input.discoveredAt.getTime() + ICO_DEADLINE_MS),
    createdAt: now,
    createdBy: by,
    first: {
      ...facts(input),
      version: 1,
      status: 'OPEN',
      icoReportedAt: null,
      icoReference: null,
      notReportableReason: null,
      note: null,
      recordedAt: now,
      recordedBy: by,
    },
  };
}

/**
 * The version a change makes of the breach, by the rules of the register: a CLOSED breach takes
 * no more changes; a REPORTED one may only be CLOSED next (or keep its status); REPORTED needs the time of the report (not before discovery, not in the
 * future) and makes the breach reportable; NOT_REPORTABLE needs its reason and makes it not
 * reportable; CLOSED follows REPORTED or NOT_REPORTABLE; the ICO report's time and reference
 * belong to a REPORTED breach only, the reason to a NOT_REPORTABLE one only.
 */
export function changeBreach(b: Breach, change: BreachChange, by: string, now: Date): BreachVersion {
  const was = current(b);
  if (was.status === 'CLOSED')
    throw new IgConsoleException(
      IgConsoleExceptionCode.BreachClosed,
      'This breach is closed: it takes no more changes.',
    );
  const status = change.status ?? was.status;
  const errors: FieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });

  const icoReportedAt = change.icoReportedAt ?? was.icoReportedAt;
  const icoReference = change.icoReference ?? was.icoReference;
  const notReportableReason = change.notReportableReason ?? was.notReportableReason;
  const reported = status === 'REPORTED' || (status === 'CLOSED' && was.status === 'REPORTED');
  const notReportable = status === 'NOT_REPORTABLE' || (status === 'CLOSED' && was.status === 'NOT_REPORTABLE');

  if (was.status === 'REPORTED' && status !== 'REPORTED' && status !== 'CLOSED')
    err('status', 'a breach REPORTED to the ICO stays reported: only CLOSED may follow');
  if (status === 'CLOSED' && was.status !== 'REPORTED' && was.status !== 'NOT_REPORTABLE')
    err('status', 'CLOSED follows REPORTED or NOT_REPORTABLE: record the decision on reporting first');
  if (reported && !icoReportedAt) err('icoReportedAt', 'is required when the breach is REPORTED');
  if (!reported && (change.icoReportedAt || change.icoReference))
    err(change.icoReportedAt ? 'icoReportedAt' : 'icoReference', 'belongs to a breach REPORTED to the ICO');
  if (change.icoReportedAt && change.icoReportedAt.getTime() < b.discoveredAt.getTime())
    err('icoReportedAt', 'must not be before discoveredAt');
  if (change.icoReportedAt && change.icoReportedAt.getTime() > now.getTime())
    err('icoReportedAt', 'must not be in the future');
  if (notReportable && !notReportableReason?.trim())
    err('notReportableReason', 'is required when the breach is NOT_REPORTABLE');
  if (!notReportable && change.notReportableReason)
    err('notReportableReason', 'belongs to a breach that is NOT_REPORTABLE');
  if (reported && change.reportable === false) err('reportable', 'must not be false for a breach REPORTED to the ICO');
  if (notReportable && change.reportable === true) err('reportable', 'must not be true for a NOT_REPORTABLE breach');
  if (errors.length) throw invalid(errors);

  return {
    ...facts({ ...was, ...definedOnly(change) }),
    reportable: reported
      ? true
      : notReportable
        ? false
        : change.reportable !== undefined
          ? change.reportable
          : was.reportable,
    version: was.version + 1,
    status,
    icoReportedAt: reported ? icoReportedAt : null,
    icoReference: reported ? icoReference : null,
    notReportableReason: notReportable ? notReportableReason : null,
    note: change.note,
    recordedAt: now,
    recordedBy: by,
  };
}

/** Where a breach stands against the ICO clock at `now`. */
export interface BreachClock {
  /** Still OPEN and not assessed as not reportable, with the 72 hours gone. */
  overdue: boolean;
  /** Reported to the ICO after the 72 hours (art. 33(1): the report gives the reasons for the delay). */
  reportedLate: boolean;
  /** Milliseconds left to the deadline while the clock runs (OPEN, not assessed as not reportable); else null. */
  msLeft: number | null;
}

export function breachClock(b: Breach, now: Date): BreachClock {
  const v = current(b);
  const running = v.status === 'OPEN' && v.reportable !== false;
  const left = b.icoDeadline.getTime() - now.getTime();
  return {
    overdue: running && left <= 0,
    reportedLate: v.icoReportedAt !== null && v.icoReportedAt.getTime() > b.icoDeadline.getTime(),
    msLeft: running ? left : null,
  };
}

/** IG is told this long before the ICO deadline of a breach still open, and again when it passes. */
export const REMINDERS_BEFORE_MS = [24 * 3_600_000, 4 * 3_600_000] as const;

export type BreachReminder = { kind: 'deadline-near' | 'overdue'; dueAt: Date };

/**
 * The reminder due at `now` for a breach whose clock runs: the latest point reached among 24 h
 * before the deadline, 4 h before it and the deadline itself. Only the latest, so a watcher that
 * first looks late sends the reminder that still means something, not every one it missed.
 */
export function dueReminder(icoDeadline: Date, now: Date): BreachReminder | null {
  const deadline = icoDeadline.getTime();
  if (now.getTime() >= deadline) return { kind: 'overdue', dueAt: icoDeadline };
  const points = REMINDERS_BEFORE_MS.map((ms) => deadline - ms).filter((t) => t <= now.getTime());
  return points.length ? { kind: 'deadline-near', dueAt: new Date(Math.max(...points)) } : null;
}

function facts(f: BreachFacts): BreachFacts {
  return {
    summary: f.summary.trim(),
    severity: f.severity,
    reportable: f.reportable,
    crns: [...new Set(f.crns)],
    agreementIds: [...new Set(f.agreementIds)],
    partnerOrgs: [...new Set(f.partnerOrgs)],
  };
}

function definedOnly(change: BreachChange): Partial<BreachFacts> {
  const out: Partial<BreachFacts> = {};
  for (const k of ['summary', 'severity', 'reportable', 'crns', 'agreementIds', 'partnerOrgs'] as const)
    if (change[k] !== undefined) Object.assign(out, { [k]: change[k] });
  return out;
}

function invalid(errors: FieldError[]): ValidationException {
  return new ValidationException(errors, `The request is invalid: ${errors.map((e) => e.field).join(', ')}.`);
}
