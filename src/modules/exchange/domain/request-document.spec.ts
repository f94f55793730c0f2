import { ExchangeException } from './exchange.exception.js';
import { decodeRequestJws, validateRequestClaims } from './request-document.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jws = (header: unknown, payload: unknown) => `${b64(header)}.${b64(payload)}.c2ln`;
const NOW = new Date('2026-03-02T10:00:00Z');
const nowS = NOW.getTime() / 1000;
const GATEWAY = 'probation-gateway';

const claims = (over: Record<string, unknown> = {}) => ({
  iss: 'police-cleveland',
  iat: nowS - 10,
  jti: 'a1b2c3d4-e5f6',
  provider: 'nps-north-east',
  crn: 'X123456',
  purpose: 'IOM',
  dataCategories: ['ROSH', 'NEEDS'],
  justification: '  IOM panel  ',
  urgency: 'ROUTINE',
  agreementId: '6F1C2A4E-0000-4000-8000-000000000000',
  ...over,
});

function fields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExchangeException) return (e.options.errors ?? []).map((x) => x.field);
    throw e;
  }
  throw new Error('expected a rejection');
}

describe(decodeRequestJws.name, () => {
  const header = { alg: 'ES256', kid: 'k1', typ: 'exchange-request+jwt' };

  it('takes a compact JWS apart, ignoring surrounding whitespace', () => {
    const d = decodeRequestJws(`\n ${jws(header, claims())}\r\n`);
    expect(d.header).toEqual(header);
    expect(d.compact).toBe(jws(header, claims()));
    expect(d.payload.iss).toBe('police-cleveland');
  });

  it('accepts the typ with its media-type prefix, in any case', () => {
    expect(() => decodeRequestJws(jws({ ...header, typ: 'application/Exchange-Request+JWT' }, claims()))).not.toThrow();
  });

  it.each([
    [{ ...header, typ: 'JWT' }, 'header.typ'],
    [{ ...header, typ: undefined }, 'header.typ'],
    [{ ...header, alg: 'none' }, 'header.alg'],
    [{ ...header, alg: 'HS256' }, 'header.alg'],
    [{ ...header, kid: '' }, 'header.kid'],
    [{ ...header, jku: 'https://evil.example/jwks' }, 'header.jku'],
    [{ ...header, jwk: { kty: 'EC' } }, 'header.jwk'],
    [{ ...header, crit: ['exp'] }, 'header.crit'],
  ])('refuses header %j naming %s', (h, field) => {
    expect(fields(() => decodeRequestJws(jws(h, claims())))).toContain(field);
  });

  it.each([
    '',
    'abc',
    'a.b',
    'a.b.c.d',
    'a b.c.d',
    `${b64([1])}.${b64(claims())}.x`,
    `${b64(header)}.${b64('text')}.x`,
    `${b64(header)}.bm90IGpzb24.x`,
  ])('refuses %j as not a request JWS', (body) => {
    expect(() => decodeRequestJws(body)).toThrow(ExchangeException);
  });
});

describe(validateRequestClaims.name, () => {
  it('returns the document, with the justification trimmed and the agreement id lowercased', () => {
    const c = validateRequestClaims(claims(), NOW, GATEWAY);
    expect(c).toMatchObject({
      iss: 'police-cleveland',
      justification: 'IOM panel',
      agreementId: '6f1c2a4e-0000-4000-8000-000000000000',
      dataCategories: ['ROSH', 'NEEDS'],
    });
  });

  it('accepts an aud that is an array holding this gateway', () => {
    expect(() =>
      validateRequestClaims(claims({ aud: ['another-recipient', 'probation-gateway'] }), NOW, GATEWAY),
    ).not.toThrow();
  });

  it('accepts the registered optional claims sub, aud, exp and nbf', () => {
    expect(() =>
      validateRequestClaims(
        claims({ sub: 'user:x', aud: 'probation-gateway', exp: nowS + 60, nbf: nowS - 5 }),
        NOW,
        GATEWAY,
      ),
    ).not.toThrow();
  });

  it.each([
    [{ iat: nowS - 301 }, 'iat'],
    [{ iat: nowS + 61 }, 'iat'],
    [{ iat: '1700000000' }, 'iat'],
    [{ exp: nowS - 3600 }, 'exp'],
    [{ jti: 'short' }, 'jti'],
    [{ jti: 'has a space in it' }, 'jti'],
    [{ provider: 'Not A Slug' }, 'provider'],
    [{ provider: 'police-cleveland' }, 'provider'],
    [{ crn: 'x123456' }, 'crn'],
    [{ purpose: 'iom' }, 'purpose'],
    [{ dataCategories: 'ROSH' }, 'dataCategories'],
    [{ dataCategories: ['ROSH', 'ROSH'] }, 'dataCategories[1]'],
    [{ dataCategories: ['ROSH', 7] }, 'dataCategories[1]'],
    [{ justification: '' }, 'justification'],
    [{ justification: 'x'.repeat(2001) }, 'justification'],
    [{ urgency: 'urgent' }, 'urgency'],
    [{ agreementId: 'agreement-1' }, 'agreementId'],
    [{ iss: undefined }, 'iss'],
    [{ role: 'admin' }, 'role'],
    [{ aud: 'some-other-gateway' }, 'aud'],
    [{ aud: ['some-other-gateway'] }, 'aud'],
    [{ aud: { x: [1, 2] } }, 'aud'],
    [{ aud: ['probation-gateway', 7] }, 'aud'],
    [{ sub: 12345 }, 'sub'],
    [{ sub: [[[]]] }, 'sub'],
    [{ sub: 'admin' }, 'sub'],
  ])('refuses %j naming %s', (over, field) => {
    expect(fields(() => validateRequestClaims(claims(over), NOW, GATEWAY))).toContain(field);
  });

  it('names every bad claim at once', () => {
    expect(
      fields(() => validateRequestClaims(claims({ crn: 1, purpose: 2, urgency: 3 }), NOW, GATEWAY)).sort(),
    ).toEqual(['crn', 'purpose', 'urgency']);
  });
});
