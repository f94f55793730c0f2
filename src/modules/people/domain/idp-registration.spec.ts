import { validateIdpRegistration } from './idp-registration.js';

describe('validateIdpRegistration', () => {
  const good = {
    issuer: 'https://login.police-cleveland.example/realms/staff',
    clientId: 'probation-gateway',
    claimMapping: {
      rolesClaim: 'groups',
      roles: { 'IOM-Team': 'iom-officer', 'Info-Gov': 'ig-reviewer' },
      attributes: { force: 'force_code' },
      required: { org: 'police-cleveland' },
    },
  };
  const fields = (r: ReturnType<typeof validateIdpRegistration>) => (r.ok ? [] : r.errors.map((e) => e.field));

  it('accepts a registration, defaulting the client authentication to private_key_jwt', () => {
    const r = validateIdpRegistration('POLICE', good);
    expect(r).toEqual({
      ok: true,
      value: {
        issuer: good.issuer,
        clientId: good.clientId,
        clientAuth: 'private_key_jwt',
        mapping: good.claimMapping,
      },
    });
  });

  it('accepts http only on loopback', () => {
    expect(validateIdpRegistration('POLICE', { ...good, issuer: 'http://127.0.0.1:3001' }).ok).toBe(true);
    expect(validateIdpRegistration('POLICE', { ...good, issuer: 'http://localhost:3001' }).ok).toBe(true);
    expect(fields(validateIdpRegistration('POLICE', { ...good, issuer: 'http://idp.example' }))).toEqual(['issuer']);
  });

  it('refuses issuers with credentials, a query or a fragment', () => {
    for (const issuer of ['https://u:p@idp.example', 'https://idp.example/?a=1', 'https://idp.example/#x'])
      expect(fields(validateIdpRegistration('POLICE', { ...good, issuer }))).toEqual(['issuer']);
  });

  it('refuses roles the organisation kind cannot hold, naming the IdP value', () => {
    const r = validateIdpRegistration('CRC', good);
    expect(fields(r)).toEqual(['claimMapping.roles.IOM-Team']);
    expect(r.ok ? '' : r.errors[0].message).toContain('iom-officer is not a role an organisation of kind CRC can hold');
  });

  it('names every field in error at once', () => {
    const r = validateIdpRegistration('NPS', {
      issuer: 42,
      clientId: '',
      clientAuthentication: 'client_secret_post',
      claimMapping: { rolesClaim: '', roles: { x: 'root' }, attributes: { Force: 'f' }, required: { org: 7 } },
    });
    expect(fields(r)).toEqual([
      'issuer',
      'clientId',
      'clientAuthentication',
      'claimMapping.rolesClaim',
      'claimMapping.roles.x',
      'claimMapping.attributes.Force',
      'claimMapping.required.org',
    ]);
  });
});
