import { ROLES, ROLES_BY_KIND, effectiveRoles } from './roles.js';

describe(effectiveRoles.name, () => {
  it('keeps only the roles the organisation kind may grant', () => {
    expect(effectiveRoles('CRC', ['offender-manager', 'iom-officer', 'gateway-admin'])).toEqual(['offender-manager']);
    expect(effectiveRoles('POLICE', ['iom-officer', 'mappa-coordinator'])).toEqual([
      'iom-officer',
      'mappa-coordinator',
    ]);
  });

  it('makes gateway-admin effective only for the operator', () => {
    for (const kind of ['NPS', 'CRC', 'POLICE'] as const) expect(effectiveRoles(kind, ['gateway-admin'])).toEqual([]);
    expect(effectiveRoles('GATEWAY', ['gateway-admin', 'system'])).toEqual(['gateway-admin']);
  });

  it('drops unknown names and duplicates', () => {
    expect(effectiveRoles('NPS', ['root', 'system', 'system', 'SYSTEM'])).toEqual(['system']);
  });

  it('only ever names known roles in its table', () => {
    for (const roles of Object.values(ROLES_BY_KIND)) for (const r of roles) expect(ROLES).toContain(r);
  });
});
