import { ValidationException } from '@shared/errors/index.js';
import { breachClock, changeBreach, dueReminder, recordBreach, type Breach, type BreachChange } from './breach.js';
import { IgConsoleException } from './ig-console.exception.js';

const HOUR = 3_600_000;
const DISCOVERED = new Date('2026-12-01T09:00:00Z');
const DEADLINE = new Date('2026-12-04T09:00:00Z');

function breach(): Breach {
  const { first, ...rest } = recordBreach(
    {
      summary: '  Risk summary sent to the wrong mailbox ',
      severity: 'HIGH',
      reportable: null,
      crns: ['X123456', 'X123456'],
      agreementIds: [],
      partnerOrgs: ['police-cleveland'],
      discoveredAt: DISCOVERED,
      occurredAt: null,
    },
    'user:ig-1',
    new Date(DISCOVERED.getTime() + HOUR),
  );
  return { id: 'b-1', org: 'nps-north-east', ...rest, versions: [first] };
}

const fieldsOf = (b: Breach, c: BreachChange, now = new Date(DISCOVERED.getTime() + 2 * HOUR)): string[] => {
  try {
    changeBreach(b, c, 'user:ig-1', now);
    return [];
  } catch (e) {
    if (e instanceof ValidationException) return (e.options.errors ?? []).map((x) => x.field);
    throw e;
  }
};

describe('breach register rules', () => {
  it('starts OPEN with the ICO deadline 72 hours after discovery, facts tidied', () => {
    const b = breach();
    expect(b.icoDeadline).toEqual(DEADLINE);
    expect(b.versions[0]).toMatchObject({
      version: 1,
      status: 'OPEN',
      summary: 'Risk summary sent to the wrong mailbox',
      crns: ['X123456'],
    });
  });

  it('asks for what each status needs, and refuses what does not belong', () => {
    const b = breach();
    expect(fieldsOf(b, { status: 'REPORTED', note: 'n' })).toEqual(['icoReportedAt']);
    expect(fieldsOf(b, { status: 'NOT_REPORTABLE', note: 'n' })).toEqual(['notReportableReason']);
    expect(fieldsOf(b, { status: 'CLOSED', note: 'n' })).toEqual(['status']);
    expect(fieldsOf(b, { notReportableReason: 'no risk at all', note: 'n' })).toEqual(['notReportableReason']);
    expect(
      fieldsOf(b, { status: 'REPORTED', icoReportedAt: new Date(DISCOVERED.getTime() + 5 * HOUR), note: 'n' }),
    ).toEqual(['icoReportedAt']);
    expect(fieldsOf(b, { status: 'REPORTED', icoReportedAt: DISCOVERED, reportable: false, note: 'n' })).toEqual([
      'reportable',
    ]);
  });

  it('keeps the report through CLOSED, and a closed breach takes no change', () => {
    const b = breach();
    const now = new Date(DISCOVERED.getTime() + 2 * HOUR);
    const reported = changeBreach(
      b,
      { status: 'REPORTED', icoReportedAt: now, icoReference: 'ICO/1', note: 'n' },
      'u',
      now,
    );
    expect(reported).toMatchObject({ version: 2, reportable: true, icoReference: 'ICO/1' });
    b.versions.push(reported);
    expect(fieldsOf(b, { status: 'OPEN', note: 'n' })).toEqual(['status']);
    expect(fieldsOf(b, { status: 'NOT_REPORTABLE', notReportableReason: 'no risk after all', note: 'n' })).toEqual([
      'status',
    ]);
    const closed = changeBreach(b, { status: 'CLOSED', note: 'done' }, 'u', now);
    expect(closed).toMatchObject({ version: 3, status: 'CLOSED', icoReportedAt: now, icoReference: 'ICO/1' });
    b.versions.push(closed);
    expect(() => changeBreach(b, { note: 'more' }, 'u', now)).toThrow(IgConsoleException);
  });

  it('runs the clock while OPEN and not assessed as not reportable', () => {
    const b = breach();
    expect(breachClock(b, new Date(DEADLINE.getTime() - HOUR))).toEqual({
      overdue: false,
      reportedLate: false,
      msLeft: HOUR,
    });
    expect(breachClock(b, DEADLINE).overdue).toBe(true);
    b.versions.push(changeBreach(b, { reportable: false, note: 'assessed' }, 'u', DEADLINE));
    expect(breachClock(b, DEADLINE)).toEqual({ overdue: false, reportedLate: false, msLeft: null });
  });

  it('reminds at the latest point reached: 24 h, 4 h before, then overdue', () => {
    const at = (h: number) => dueReminder(DEADLINE, new Date(DEADLINE.getTime() + h * HOUR));
    expect(at(-25)).toBeNull();
    expect(at(-24)).toEqual({ kind: 'deadline-near', dueAt: new Date(DEADLINE.getTime() - 24 * HOUR) });
    expect(at(-5)).toEqual({ kind: 'deadline-near', dueAt: new Date(DEADLINE.getTime() - 24 * HOUR) });
    expect(at(-3)).toEqual({ kind: 'deadline-near', dueAt: new Date(DEADLINE.getTime() - 4 * HOUR) });
    expect(at(0)).toEqual({ kind: 'overdue', dueAt: DEADLINE });
    expect(at(100)).toEqual({ kind: 'overdue', dueAt: DEADLINE });
  });
});
