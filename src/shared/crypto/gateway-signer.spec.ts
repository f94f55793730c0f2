import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { aKey } from '@test/factories/jwk.factory.js';
import { GatewaySigner } from './gateway-signer.js';

describe(GatewaySigner.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gw-signer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates an ES256 key under DATA_DIR on first start, private to the process user, and reuses it', async () => {
    const first = await GatewaySigner.load({ dataDir: dir });
    const file = path.join(dir, 'keys', 'gateway-signing-key.jwk');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await GatewaySigner.load({ dataDir: dir });
    expect([first.alg, second.kid]).toEqual(['ES256', first.kid]);
  });

  it('uses GATEWAY_SIGNING_KEY when given, an Ed25519 key included', async () => {
    const k = await aKey('configured-kid', 'EdDSA');
    const sut = await GatewaySigner.load({ privateJwk: k.privateJwk, dataDir: dir });
    expect([sut.kid, sut.alg]).toEqual(['configured-kid', 'EdDSA']);
  });

  it('publishes only the public half', async () => {
    const sut = await GatewaySigner.load({ dataDir: dir });
    expect(sut.publicJwk).not.toHaveProperty('d');
    expect(sut.publicJwk).toEqual(expect.objectContaining({ kid: sut.kid, alg: 'ES256', use: 'sig' }));
  });

  it('signs exactly the given bytes with its kid and the given typ, verifiable with its public key', async () => {
    const sut = await GatewaySigner.load({ dataDir: dir });
    const jws = await sut.sign('{"b":1,"a":2}', 'checkpoint+jws');
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'ES256', kid: sut.kid, typ: 'checkpoint+jws' });
    const { payload } = await compactVerify(jws, await importJWK(sut.publicJwk, 'ES256'));
    expect(new TextDecoder().decode(payload)).toBe('{"b":1,"a":2}');
  });

  it('signs with an Ed25519 key as EdDSA, verifiable with its public key', async () => {
    const k = await aKey('ed-kid', 'EdDSA');
    const sut = await GatewaySigner.load({ privateJwk: k.privateJwk, dataDir: dir });
    const jws = await sut.sign(new Uint8Array([0, 1, 2, 255]), 'exchange-response+jwt', { cty: 'json' });
    expect(decodeProtectedHeader(jws)).toEqual({
      cty: 'json',
      alg: 'EdDSA',
      kid: 'ed-kid',
      typ: 'exchange-response+jwt',
    });
    const { payload } = await compactVerify(jws, await importJWK(sut.publicJwk, 'EdDSA'));
    expect([...payload]).toEqual([0, 1, 2, 255]);
  });

  it('refuses a key of another kind', async () => {
    await expect(GatewaySigner.fromPrivateJwk({ kty: 'RSA', n: 'x', e: 'AQAB', d: 'y' })).rejects.toThrow(
      /P-256 or Ed25519/,
    );
  });
});
