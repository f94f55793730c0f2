import { dueBy, dueSoonAt } from './deadlines.js';

describe(dueBy.name, () => {
  it('gives an URGENT request 24 hours, across a weekend too', () => {
    expect(dueBy(new Date('2026-03-06T16:30:00Z'), 'URGENT').toISOString()).toBe('2026-03-07T16:30:00.000Z');
  });

  it('gives a ROUTINE request made on a Monday until the Monday two weeks later, same time', () => {
    expect(dueBy(new Date('2026-03-02T09:15:00Z'), 'ROUTINE').toISOString()).toBe('2026-03-16T09:15:00.000Z');
  });

  it('skips two weekends for a ROUTINE request made on a Friday', () => {
    // Mon 9 .. Fri 13 (5), Mon 16 .. Fri 20 (10)
    expect(dueBy(new Date('2026-03-06T12:00:00Z'), 'ROUTINE').toISOString()).toBe('2026-03-20T12:00:00.000Z');
  });

  it('starts counting on the Monday for a ROUTINE request made on a Saturday or Sunday', () => {
    expect(dueBy(new Date('2026-03-07T10:00:00Z'), 'ROUTINE').toISOString()).toBe('2026-03-20T10:00:00.000Z');
    expect(dueBy(new Date('2026-03-08T23:59:00Z'), 'ROUTINE').toISOString()).toBe('2026-03-20T23:59:00.000Z');
  });

  it('uses UTC days: 23:30 on a Friday UTC is a Friday even where it is already Saturday', () => {
    expect(dueBy(new Date('2026-03-06T23:30:00Z'), 'ROUTINE').toISOString()).toBe('2026-03-20T23:30:00.000Z');
  });
});

describe(dueSoonAt.name, () => {
  it('makes an URGENT request due soon 4 hours before it is due', () => {
    expect(dueSoonAt(new Date('2026-03-07T16:30:00Z'), 'URGENT').toISOString()).toBe('2026-03-07T12:30:00.000Z');
  });

  it('makes a ROUTINE request due soon one working day before, skipping a weekend', () => {
    expect(dueSoonAt(new Date('2026-03-17T09:15:00Z'), 'ROUTINE').toISOString()).toBe('2026-03-16T09:15:00.000Z');
    // Due on a Monday: due soon from the Friday before.
    expect(dueSoonAt(new Date('2026-03-16T09:15:00Z'), 'ROUTINE').toISOString()).toBe('2026-03-13T09:15:00.000Z');
  });
});
