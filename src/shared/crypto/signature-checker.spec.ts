import { CompactSign, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import {
  headerProblems,
  SignatureRefused,
  verifyJws,
  verifyJwt,
  type JwtRules,
  type SignatureRefusalReason,
  type VerificationKey,
} from './signature-checker.js';
import { importPublicJwk } from './jwk.js';

const TYP = 'test+jwt';
const AUD = 'probation-gateway';
const now = () => Math.floor(Date.now() / 1000);

/** Helpers that build signatures in other encodings than JWS's. */
const sign = {
  /** An ECDSA P-256 signature r||s (64 bytes) as the ASN.1 DER SEQUENCE of two INTEGERs. */
  ecdsaDer(rs: Buffer): Buffer {
    const int = (b: Buffer) => {
      let v = b;
      while (v.length > 1 && v[0] === 0 && v[1] < 0x80) v = v.subarray(1);
      if (v[0] >= 0x80) v = Buffer.concat([Buffer.from([0]), v]);
      return Buffer.concat([Buffer.from([0x02, v.length]), v]);
    };
    const body = Buffer.concat([int(rs.subarray(0, 32)), int(rs.subarray(32))]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  },
};

describe('signature checker', () => {
  let es: { privateKey: CryptoKey; publicKey: CryptoKey };
  let ed: { privateKey: CryptoKey; publicKey: CryptoKey };
  let other: { privateKey: CryptoKey; publicKey: CryptoKey };
  let registry: Map<string, VerificationKey>;

  beforeAll(async () => {
    es = await generateKeyPair('ES256');
    ed = await generateKeyPair('EdDSA');
    other = await generateKeyPair('ES256');
    registry = new Map<string, VerificationKey>([
      ['es-1', { key: es.publicKey, alg: 'ES256' }],
      ['ed-1', { key: ed.publicKey, alg: 'EdDSA' }],
    ]);
  });

  const rules = (over: Partial<JwtRules<VerificationKey>> = {}): JwtRules<VerificationKey> => ({
    typ: TYP,
    audience: AUD,
    clockToleranceS: 60,
    maxAgeS: 300,
    requiredClaims: ['iss', 'iat', 'exp', 'jti'],
    key: (kid) => registry.get(kid) ?? null,
    ...over,
  });

  const jwt = (claims: JWTPayload = {}, header: Record<string, unknown> = {}, key: CryptoKey = es.privateKey) =>
    new SignJWT({ iss: 'police-a', aud: AUD, iat: now(), exp: now() + 120, jti: 'jti-12345678', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'es-1', typ: TYP, ...header })
      .sign(key);

  async function refusal(p: Promise<unknown>): Promise<{ reason: SignatureRefusalReason; parameter?: string }> {
    try {
      await p;
    } catch (e) {
      if (e instanceof SignatureRefused)
        return { reason: e.reason, ...(e.parameter ? { parameter: e.parameter } : {}) };
      throw e;
    }
    throw new Error('expected a refusal');
  }

  describe(verifyJwt.name, () => {
    it('accepts a token signed by the registered key, returning its claims and that key', async () => {
      const r = await verifyJwt(await jwt(), rules());
      expect(r.claims.iss).toBe('police-a');
      expect(r.key).toBe(registry.get('es-1'));
    });

    it('verifies nothing under a small-order Ed25519 key (R the identity, S = 0 would pass the curve arithmetic)', async () => {
      const identity = Buffer.alloc(32);
      identity[0] = 1;
      const weak = await importPublicJwk({
        kty: 'OKP',
        crv: 'Ed25519',
        x: identity.toString('base64url'),
        kid: 'weak-1',
        alg: 'EdDSA',
        use: 'sig',
      });
      registry.set('weak-1', { key: weak, alg: 'EdDSA' });
      const claims = { iss: 'police-a', aud: AUD, iat: now(), exp: now() + 120, jti: 'jti-12345678' };
      const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      // R = the identity's encoding, S = 0: under the identity key OpenSSL accepts this for many messages.
      const forged = Buffer.concat([identity, Buffer.alloc(32)]).toString('base64url');
      for (let i = 0; i < 8; i++) {
        const token = `${enc({ alg: 'EdDSA', kid: 'weak-1', typ: TYP })}.${enc({ ...claims, jti: `jti-1234567${i}` })}.${forged}`;
        expect((await refusal(verifyJwt(token, rules()))).reason).toBe('bad_signature');
      }
    });

    it('accepts EdDSA from an Ed25519 key', async () => {
      const token = await jwt({}, { alg: 'EdDSA', kid: 'ed-1' }, ed.privateKey);
      await expect(verifyJwt(token, rules())).resolves.toBeTruthy();
    });

    it('gives the key resolver the unverified claims, and passes on its own refusal', async () => {
      const seen: unknown[] = [];
      const r = rules({
        key: (kid, claims) => {
          seen.push([kid, claims.iss]);
          throw new SignatureRefused('invalid_claims', 'no such issuer', 'iss');
        },
      });
      expect(await refusal(verifyJwt(await jwt(), r))).toEqual({ reason: 'invalid_claims', parameter: 'iss' });
      expect(seen).toEqual([['es-1', 'police-a']]);
    });

    it('passes on a failure of the key registry unchanged: an outage is never a bad signature', async () => {
      const outage = new Error('connect ECONNREFUSED');
      const r = rules({ key: () => Promise.reject(outage) });
      await expect(verifyJwt(await jwt(), r)).rejects.toBe(outage);
      await expect(verifyJws(await jwt(), r)).rejects.toBe(outage);
    });

    it.each<[string, () => Promise<string>, SignatureRefusalReason, string | undefined]>([
      ['not a compact JWS', () => Promise.resolve('a.b'), 'malformed', undefined],
      ['an empty signature', async () => `${(await jwt()).split('.').slice(0, 2).join('.')}.`, 'malformed', undefined],
      [
        'a part no bytes encode to (length 1 more than a multiple of 4), even where the rest decodes',
        async () => {
          // A payload whose encoding is a whole number of 4-character groups: one more character
          // would be dropped by a lenient decoder, leaving the signed claims as they were.
          for (let pad = ''; ; pad += 'x') {
            const [h, p, sig] = (await jwt({ pad })).split('.');
            if (p.length % 4 === 0) return `${h}.${p}A.${sig}`;
          }
        },
        'malformed',
        undefined,
      ],
      ['another typ', () => jwt({}, { typ: 'JWT' }), 'wrong_type', 'typ'],
      ['no typ', () => jwt({}, { typ: undefined }), 'wrong_type', 'typ'],
      ['a jku header', () => jwt({}, { jku: 'https://attacker.example/jwks' }), 'key_in_header', 'jku'],
      ['an embedded jwk', () => jwt({}, { jwk: { kty: 'EC' } }), 'key_in_header', 'jwk'],
      ['an x5c chain', () => jwt({}, { x5c: ['MIIB'] }), 'key_in_header', 'x5c'],
      ['a crit extension', () => jwt({}, { crit: ['b64'], b64: true }), 'unknown_critical_header', 'crit'],
      ['no kid', () => jwt({}, { kid: undefined }), 'unknown_key', 'kid'],
      ['an unknown kid', () => jwt({}, { kid: 'nope' }), 'unknown_key', 'kid'],
      [
        'EdDSA claimed for an ES256 key',
        () => jwt({}, { alg: 'EdDSA' }, ed.privateKey),
        'key_algorithm_mismatch',
        'alg',
      ],
      ['a signature by another key', () => jwt({}, {}, other.privateKey), 'bad_signature', undefined],
      ['another audience', () => jwt({ aud: 'another-gateway' }), 'wrong_audience', 'aud'],
      ['an audience list naming another too', () => jwt({ aud: [AUD, 'another-gateway'] }), 'wrong_audience', 'aud'],
      ['no aud', () => jwt({ aud: undefined }), 'wrong_audience', 'aud'],
      ['exp past the tolerance', () => jwt({ iat: now() - 250, exp: now() - 70 }), 'expired', 'exp'],
      [
        'iat older than the maximum age plus tolerance',
        () => jwt({ iat: now() - 400, exp: now() + 10 }),
        'expired',
        'iat',
      ],
      ['iat ahead beyond the tolerance', () => jwt({ iat: now() + 90, exp: now() + 200 }), 'issued_in_future', 'iat'],
      ['nbf ahead beyond the tolerance', () => jwt({ nbf: now() + 90 }), 'invalid_claims', 'nbf'],
      ['no jti', () => jwt({ jti: undefined }), 'invalid_claims', 'jti'],
      ['no exp', () => jwt({ exp: undefined }), 'invalid_claims', 'exp'],
      ['iat as a string', () => jwt({ iat: 'yesterday' as never }), 'invalid_claims', 'iat'],
    ])('refuses %s', async (_what, make, reason, parameter) => {
      expect(await refusal(verifyJwt(await make(), rules()))).toEqual({ reason, ...(parameter ? { parameter } : {}) });
    });

    it('refuses alg none and HS256 before looking up any key', async () => {
      const looked: string[] = [];
      const r = rules({ key: (kid) => (looked.push(kid), registry.get(kid) ?? null) });
      const p = (await jwt()).split('.')[1];
      for (const alg of ['none', 'HS256', 'RS256']) {
        const forged = `${Buffer.from(JSON.stringify({ alg, kid: 'es-1', typ: TYP })).toString('base64url')}.${p}.AAAA`;
        expect(await refusal(verifyJwt(forged, r))).toEqual({ reason: 'algorithm_not_allowed', parameter: 'alg' });
      }
      expect(looked).toEqual([]);
    });

    it('refuses a tampered payload', async () => {
      const [h, , s] = (await jwt()).split('.');
      const p = Buffer.from(
        JSON.stringify({
          iss: 'police-a',
          aud: AUD,
          iat: now(),
          exp: now() + 120,
          jti: 'jti-12345678',
          roles: ['gateway-admin'],
        }),
      ).toString('base64url');
      expect(await refusal(verifyJwt(`${h}.${p}.${s}`, rules()))).toEqual({ reason: 'bad_signature' });
    });
    it('accepts an audience list of exactly this gateway', async () => {
      expect((await verifyJwt(await jwt({ aud: [AUD] }), rules())).claims.aud).toEqual([AUD]);
    });

    it('refuses a signature that is not the 64-byte r||s form (a DER one), or is cut short', async () => {
      const token = await jwt();
      const [h, p, s] = token.split('.');
      const rs = Buffer.from(s, 'base64url');
      const der = sign.ecdsaDer(rs);
      for (const bad of [der, rs.subarray(0, 63), Buffer.concat([rs, Buffer.from([0])])])
        expect(await refusal(verifyJwt(`${h}.${p}.${bad.toString('base64url')}`, rules()))).toEqual({
          reason: 'bad_signature',
        });
    });

    it('refuses a registry key of another type or curve than its algorithm, whatever the signature', async () => {
      const p384 = await generateKeyPair('ES384');
      for (const key of [ed.publicKey, p384.publicKey]) {
        const r = rules({ key: () => ({ key, alg: 'ES256' }) });
        expect(await refusal(verifyJwt(await jwt(), r))).toEqual({ reason: 'bad_signature' });
      }
      const wrongForEd = rules({ key: () => ({ key: es.publicKey, alg: 'EdDSA' }) });
      expect(await refusal(verifyJwt(await jwt({}, { alg: 'EdDSA' }, ed.privateKey), wrongForEd))).toEqual({
        reason: 'bad_signature',
      });
    });

    it('refuses a claim of time that is not a number of seconds', async () => {
      for (const claim of ['exp', 'nbf'] as const)
        expect(await refusal(verifyJwt(await jwt({ [claim]: String(now() + 60) }), rules()))).toEqual({
          reason: 'invalid_claims',
          parameter: claim,
        });
    });
  });

  describe(verifyJws.name, () => {
    const sign = (payload: string, header: Record<string, unknown> = {}, key: CryptoKey = es.privateKey) =>
      new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: 'ES256', kid: 'es-1', ...header })
        .sign(key);

    it('returns the exact signed bytes of any payload, with or without a typ rule', async () => {
      const jws = await sign('{"b":1,"a":2}', { typ: 'checkpoint+jws' });
      expect(Buffer.from((await verifyJws(jws, { key: (kid) => registry.get(kid) ?? null })).payload).toString()).toBe(
        '{"b":1,"a":2}',
      );
      expect(
        Buffer.from(
          (await verifyJws(jws, { typ: 'application/Checkpoint+JWS', key: (kid) => registry.get(kid) ?? null }))
            .payload,
        ).toString(),
      ).toBe('{"b":1,"a":2}');
    });

    it('refuses a typ other than the one required, an unknown key and a b64 extension', async () => {
      const key = (kid: string) => registry.get(kid) ?? null;
      expect(await refusal(verifyJws(await sign('x', { typ: 'JWT' }), { typ: 'checkpoint+jws', key }))).toEqual({
        reason: 'wrong_type',
        parameter: 'typ',
      });
      expect(await refusal(verifyJws(await sign('x', { kid: 'gone' }), { key }))).toEqual({
        reason: 'unknown_key',
        parameter: 'kid',
      });
      expect(await refusal(verifyJws(await sign('x', { b64: true, crit: ['b64'] }), { key }))).toEqual({
        reason: 'unknown_critical_header',
        parameter: 'crit',
      });
    });
  });

  describe(headerProblems.name, () => {
    it('names every problem at once, in the order a verifier refuses them', () => {
      const problems = headerProblems({ alg: 'HS256', typ: 'JWT', jku: 'x', crit: ['y'] }, 'exchange-request+jwt');
      expect(problems.map((p) => [p.parameter, p.reason])).toEqual([
        ['typ', 'wrong_type'],
        ['alg', 'algorithm_not_allowed'],
        ['jku', 'key_in_header'],
        ['crit', 'unknown_critical_header'],
        ['kid', 'unknown_key'],
      ]);
    });

    it('finds nothing wrong with a good header', () => {
      expect(
        headerProblems({ alg: 'EdDSA', kid: 'k', typ: 'application/exchange-request+jwt' }, 'exchange-request+jwt'),
      ).toEqual([]);
    });
  });
});
