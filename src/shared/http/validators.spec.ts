import 'reflect-metadata';
import { IsArray, IsIn, IsOptional, IsString, validateSync } from 'class-validator';
import { HasText, IsRfc3339, Omittable } from './validators.js';

class At {
  @IsRfc3339()
  at: unknown;
}

const errors = (at: unknown) => {
  const o = new At();
  o.at = at;
  return validateSync(o)
    .map((e) => Object.values(e.constraints ?? {}))
    .flat();
};

describe('IsRfc3339', () => {
  it.each([
    '2025-01-31T09:00:00Z',
    '2024-02-29T23:59:59.123456789Z',
    '2025-06-30T10:00:00+01:00',
    '2025-12-31t00:00:00z',
  ])('accepts %s', (at) => {
    expect(errors(at)).toEqual([]);
  });

  it.each([
    '2025-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2025-04-31T00:00:00+02:00',
    '2025-13-01T00:00:00Z',
    '2025-00-10T00:00:00Z',
    '2025-01-00T00:00:00Z',
    '2025-01-31',
    '2025-01-31T09:00:00',
    '2025-01-31T25:00:00Z',
    'yesterday',
    20250131,
    undefined,
  ])('refuses %s', (at) => {
    expect(errors(at)).toEqual(['at must be an RFC 3339 date-time such as 2025-01-31T09:00:00Z']);
  });
});

class Erasure {
  @HasText(3)
  reason: unknown;

  @Omittable()
  @IsArray()
  @IsIn(['iom', 'mappa'], { each: true })
  parts?: unknown;

  @IsOptional()
  @IsString()
  ended?: unknown;
}

const failing = (o: Partial<Erasure>) => validateSync(Object.assign(new Erasure(), o)).map((e) => e.property);

describe('Omittable', () => {
  it('lets a member be left out', () => {
    expect(failing({ reason: 'ended' })).toEqual([]);
  });

  it("validates a null, unlike IsOptional: null is a value, not 'left out'", () => {
    expect(failing({ reason: 'ended', parts: null })).toEqual(['parts']);
    expect(failing({ reason: 'ended', ended: null })).toEqual([]);
  });
});

describe('HasText', () => {
  it.each([['   '], [' \t\n '], ['a  '], [''], [7], [null]])('refuses %j', (reason) => {
    expect(failing({ reason })).toEqual(['reason']);
  });

  it('counts the characters between the white space at the ends', () => {
    expect(failing({ reason: '  abc  ' })).toEqual([]);
  });
});
