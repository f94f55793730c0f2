import { isPastDay, personSearchOf } from './person-search.js';

describe(personSearchOf.name, () => {
  const fields = (r: ReturnType<typeof personSearchOf>) => (Array.isArray(r) ? r.map((e) => e.field) : r);

  it('reads a PNC ID in capitals, trimmed', () => {
    expect(personSearchOf({ pnc: ' 2004/0012345a ' })).toEqual({ by: 'pnc', pnc: '2004/0012345A' });
  });

  it('keeps names as given (trimmed) with a real date of birth', () => {
    expect(personSearchOf({ givenName: ' ann ', familyName: 'Example', dateOfBirth: '1980-02-29' })).toEqual({
      by: 'name-and-date-of-birth',
      givenName: 'ann',
      familyName: 'Example',
      dateOfBirth: '1980-02-29',
    });
  });

  it('reads a CRN in capitals', () => {
    expect(personSearchOf({ crn: 'x123456' })).toEqual({ by: 'crn', crn: 'X123456' });
  });

  it.each([
    [{}, ['pnc']],
    [{ pnc: '2004/0012345A', givenName: 'Ann' }, ['pnc']],
    [{ crn: 'X123456', pnc: '2004/0012345A' }, ['crn']],
    [{ pnc: '2004-0012345A' }, ['pnc']],
    [{ pnc: 12 }, ['pnc']],
    [{ crn: 'X12345' }, ['crn']],
    [{ givenName: 'Ann' }, ['familyName', 'dateOfBirth']],
    [{ givenName: 'Ann', familyName: 'Example', dateOfBirth: '1981-02-29' }, ['dateOfBirth']],
    [{ givenName: 'Ann', familyName: 'x'.repeat(101), dateOfBirth: '1980-01-01' }, ['familyName']],
    [{ givenName: ['Ann'], familyName: 'Example', dateOfBirth: '1980-01-01' }, ['givenName']],
  ])('refuses %j naming %j', (input, expected) => {
    expect(fields(personSearchOf(input))).toEqual(expected);
  });
});

describe(isPastDay.name, () => {
  const today = new Date('2026-12-05T12:00:00Z');
  it.each([
    ['2026-12-05', true],
    ['2026-12-06', false],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2026-13-01', false],
    ['26-01-01', false],
  ])('%s -> %s', (day, expected) => expect(isPastDay(day, today)).toBe(expected));
});
