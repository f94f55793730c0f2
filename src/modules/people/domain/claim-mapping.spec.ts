import { mapClaims, type ClaimMapping } from './claim-mapping.js';

describe('mapClaims', () => {
  const mapping: ClaimMapping = {
    rolesClaim: 'groups',
    roles: { 'IOM-Team': 'iom-officer', 'Info-Gov': 'ig-reviewer', Admins: 'gateway-admin' },
    attributes: { force: 'force_code', team: 'team' },
    required: { org: 'police-cleveland' },
  };
  const claims = {
    sub: 'u-17',
    name: 'PC Sam Hardy',
    org: 'police-cleveland',
    groups: ['IOM-Team', 'Canteen'],
    force_code: 'cleveland',
    team: 7,
  };

  it('maps listed groups to roles and named claims to attributes; ignores the rest', () => {
    expect(mapClaims('POLICE', mapping, claims)).toEqual({
      ok: true,
      person: { sub: 'u-17', name: 'PC Sam Hardy', roles: ['iom-officer'], attributes: { force: 'cleveland' } },
    });
  });

  it('accepts a single-valued roles claim', () => {
    const r = mapClaims('POLICE', mapping, { ...claims, groups: 'Info-Gov' });
    expect(r.ok && r.person.roles).toEqual(['ig-reviewer']);
  });

  it('drops roles the organisation kind cannot hold, and refuses a person left with none', () => {
    expect(mapClaims('POLICE', mapping, { ...claims, groups: ['Admins'] })).toEqual({
      ok: false,
      reason: 'no role at the gateway is granted to you',
    });
    expect(mapClaims('CRC', mapping, claims)).toMatchObject({ ok: false });
  });

  it('refuses a person whose required claim is missing or different, and an ID token without a subject', () => {
    expect(mapClaims('POLICE', mapping, { ...claims, org: 'police-durham' })).toMatchObject({ ok: false });
    expect(mapClaims('POLICE', mapping, { ...claims, org: undefined })).toMatchObject({ ok: false });
    expect(mapClaims('POLICE', mapping, { ...claims, sub: undefined })).toMatchObject({ ok: false });
  });

  it('never grants a role through an inherited property name', () => {
    expect(mapClaims('POLICE', mapping, { ...claims, groups: ['toString', 'constructor'] })).toMatchObject({
      ok: false,
    });
  });
});
