import { CompactSign, compactVerify } from 'jose';
import { aKey, invalidJwks } from '@test/factories/jwk.factory.js';
import { importPublicJwk, isWeakEd25519Key, thumbprint, validatePublicJwk } from './jwk.js';

/** The eight small-order points of edwards25519 and non-canonical encodings (y >= p), as libsodium lists them. */
const WEAK_ED25519 = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000080',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
];

describe(validatePublicJwk.name, () => {
  it('accepts an EC P-256 public key and normalises it', async () => {
    const { publicJwk } = await aKey('k1');
    const r = await validatePublicJwk({ ...publicJwk, key_ops: ['verify'] });
    expect(r).toEqual({
      ok: true,
      jwk: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y, kid: 'k1', alg: 'ES256', use: 'sig' },
    });
  });

  it('accepts an Ed25519 public key with alg EdDSA', async () => {
    const { publicJwk } = await aKey('k2', 'EdDSA');
    const r = await validatePublicJwk(publicJwk);
    expect(r.ok && r.jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: publicJwk.x, kid: 'k2', alg: 'EdDSA', use: 'sig' });
  });

  it.each([
    ['a non-object', () => 'jwk', /JWK object/],
    ['a private key', () => invalidJwks.privateEc(), /private member "d"/],
    ['a symmetric key', () => invalidJwks.symmetric(), /private member "k"/],
    ['an RSA key', () => invalidJwks.rsa(), /kty must be EC .* RSA/],
    ['a P-384 key', () => invalidJwks.wrongCurve(), /P-256/],
    ['a point off the curve', () => invalidJwks.offCurve(), /not a valid point/],
    ['no kid', async () => ({ ...(await aKey('x')).publicJwk, kid: undefined }), /kid/],
    ['a kid with spaces', async () => ({ ...(await aKey('x')).publicJwk, kid: 'a b' }), /kid/],
    ['use enc', async () => ({ ...(await aKey('x')).publicJwk, use: 'enc' }), /use/],
    ['key_ops sign', async () => ({ ...(await aKey('x')).publicJwk, key_ops: ['sign'] }), /key_ops/],
    ['alg RS256 on an EC key', async () => ({ ...(await aKey('x')).publicJwk, alg: 'RS256' }), /alg ES256/],
    [
      'an x5u member',
      async () => ({ ...(await aKey('x')).publicJwk, x5u: 'https://attacker.example' }),
      /unsupported member "x5u"/,
    ],
    ['short coordinates', async () => ({ ...(await aKey('x')).publicJwk, x: 'AAAA' }), /32-byte/],
    ['an Ed25519 key with y', async () => ({ ...(await aKey('x', 'EdDSA')).publicJwk, y: 'AAAA' }), /x must be/],
  ])('refuses %s', async (_what, make, problem) => {
    const r = await validatePublicJwk(await make());
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toMatch(problem);
  });
});

describe(isWeakEd25519Key.name, () => {
  it.each(WEAK_ED25519)('finds %s weak', (hex) => {
    expect(isWeakEd25519Key(Buffer.from(hex, 'hex'))).toBe(true);
  });

  it('finds real keys sound', async () => {
    for (let i = 0; i < 20; i++) {
      const { publicJwk } = await aKey(`k${i}`, 'EdDSA');
      expect(isWeakEd25519Key(Buffer.from(publicJwk.x as string, 'base64url'))).toBe(false);
    }
  });

  it('is refused at registration, naming why', async () => {
    for (const hex of WEAK_ED25519) {
      const r = await validatePublicJwk({
        kty: 'OKP',
        crv: 'Ed25519',
        x: Buffer.from(hex, 'hex').toString('base64url'),
        kid: 'zero',
      });
      expect(!r.ok && r.problem).toMatch(/small order/);
    }
  });
});

describe('importPublicJwk and thumbprint', () => {
  it('import a key that verifies what its private half signed', async () => {
    const k = await aKey('k1');
    const r = await validatePublicJwk(k.publicJwk);
    if (!r.ok) throw new Error(r.problem);
    const jws = await new CompactSign(new TextEncoder().encode('x'))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(k.privateKey);
    await expect(compactVerify(jws, await importPublicJwk(r.jwk))).resolves.toBeTruthy();
  });

  it('import each key once (the same CryptoKey for the same public material), and never mix two keys up', async () => {
    const [k1, k2] = [await aKey('k1'), await aKey('k2')];
    const [a, b] = [await validatePublicJwk(k1.publicJwk), await validatePublicJwk({ ...k2.publicJwk, kid: 'k1' })];
    if (!a.ok || !b.ok) throw new Error('invalid');
    expect(await importPublicJwk(a.jwk)).toBe(await importPublicJwk({ ...a.jwk }));
    const jws = await new CompactSign(new TextEncoder().encode('x'))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(k1.privateKey);
    // Same kid, different key: the cache is keyed by the key itself, so the other key still fails.
    await expect(compactVerify(jws, await importPublicJwk(b.jwk))).rejects.toThrow();
  });

  it('give the RFC 7638 thumbprint, independent of kid and extra members', async () => {
    const k = await aKey('k1');
    const a = await validatePublicJwk(k.publicJwk);
    const b = await validatePublicJwk({ ...k.publicJwk, kid: 'other', use: 'sig' });
    if (!a.ok || !b.ok) throw new Error('invalid');
    expect(await thumbprint(a.jwk)).toBe(await thumbprint(b.jwk));
  });
});
