import { isAllocator, mayAllocateTo } from './case-allocation.js';

describe('case allocation', () => {
  const nps = { id: 'nps-north-east', region: 'North East' };
  const org = (id: string, kind: 'NPS' | 'CRC' | 'POLICE' | 'GATEWAY', region = 'North East', status = 'ACTIVE') => ({
    id,
    kind,
    region,
    status,
  });

  it('only the NPS allocates', () => {
    expect(isAllocator('NPS')).toBe(true);
    expect(isAllocator('CRC')).toBe(false);
    expect(isAllocator('POLICE')).toBe(false);
    expect(isAllocator('GATEWAY')).toBe(false);
  });

  it('to itself or an active CRC of its region, nobody else', () => {
    expect(mayAllocateTo(nps, org('nps-north-east', 'NPS'))).toBe(true);
    expect(mayAllocateTo(nps, org('crc-durham-tees-valley', 'CRC'))).toBe(true);
    expect(mayAllocateTo(nps, org('crc-london', 'CRC', 'London'))).toBe(false);
    expect(mayAllocateTo(nps, org('crc-durham-tees-valley', 'CRC', 'North East', 'SUSPENDED'))).toBe(false);
    expect(mayAllocateTo(nps, org('nps-london', 'NPS'))).toBe(false);
    expect(mayAllocateTo(nps, org('police-cleveland', 'POLICE'))).toBe(false);
    expect(mayAllocateTo(nps, null)).toBe(false);
  });
});
