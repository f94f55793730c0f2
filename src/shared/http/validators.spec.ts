import 'reflect-metadata';
import { validateSync } from 'class-validator';
import { IsRfc3339 } from './validators.js';

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
