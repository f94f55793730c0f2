import { exportJWK, generateKeyPair, importJWK, calculateJwkThumbprint, type CryptoKey, type JWK } from 'jose';
import { KeyObject, sign as signBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SigningAlg } from './signature-checker.js';

/** The gateway's own signing key: signs checkpoints, response bundles and anything else it issues. */
export class GatewaySigner {
  private constructor(
    readonly kid: string,
    readonly alg: SigningAlg,
    private readonly privateKey: CryptoKey,
    readonly publicJwk: JWK & { kid: string; alg: SigningAlg; use: 'sig' },
  ) {
    this.keyObject = KeyObject.from(privateKey);
  }

  /** The same key for node:crypto, which signs synchronously at half WebCrypto's CPU. */
  private readonly keyObject: KeyObject;

  /** Loads the key from a private JWK (GATEWAY_SIGNING_KEY) or from `<dataDir>/keys/`, creating an ES256 key there on first start. */
  static async load(opts: { privateJwk?: Record<string, unknown>; dataDir: string }): Promise<GatewaySigner> {
    let jwk = opts.privateJwk as JWK | undefined;
    if (!jwk) {
      const file = path.join(opts.dataDir, 'keys', 'gateway-signing-key.jwk');
      if (existsSync(file)) {
        jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
      } else {
        const { privateKey } = await generateKeyPair('ES256', { extractable: true });
        jwk = await exportJWK(privateKey);
        jwk.alg = 'ES256';
        jwk.kid = `gateway-${(await calculateJwkThumbprint(jwk)).slice(0, 16)}`;
        await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        await writeFile(file, JSON.stringify(jwk, null, 2) + '\n', { mode: 0o600 });
      }
    }
    return GatewaySigner.fromPrivateJwk(jwk);
  }

  static async fromPrivateJwk(jwk: JWK): Promise<GatewaySigner> {
    const alg: SigningAlg =
      jwk.kty === 'OKP' && jwk.crv === 'Ed25519'
        ? 'EdDSA'
        : jwk.kty === 'EC' && jwk.crv === 'P-256'
          ? 'ES256'
          : (undefined as never);
    if (!alg) throw new Error('GATEWAY_SIGNING_KEY must be an EC P-256 or Ed25519 private JWK');
    const pub: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.y ? { y: jwk.y } : {}) };
    const kid = jwk.kid ?? `gateway-${(await calculateJwkThumbprint(pub)).slice(0, 16)}`;
    const privateKey = (await importJWK(
      { ...jwk, alg: undefined, kid: undefined, use: undefined, key_ops: undefined },
      alg,
    )) as CryptoKey;
    return new GatewaySigner(kid, alg, privateKey, { ...pub, kid, alg, use: 'sig' });
  }

  /**
   * The key and kid an OpenID Connect client library signs the gateway's client assertions with
   * (private_key_jwt): an identity provider verifies them against /.well-known/jwks.json.
   */
  clientAssertionKey(): { key: CryptoKey; kid: string } {
    return { key: this.privateKey, kid: this.kid };
  }

  /**
   * A compact JWS (RFC 7515) over exactly `payload`'s bytes, with the given `typ`: ES256 as the
   * 64-byte r||s of RFC 7518 3.4, or Ed25519.
   */
  sign(payload: Uint8Array | string, typ: string, extraHeader: Record<string, unknown> = {}): Promise<string> {
    const header = JSON.stringify({ ...extraHeader, alg: this.alg, kid: this.kid, typ });
    const input = `${Buffer.from(header).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
    const signature =
      this.alg === 'ES256'
        ? signBytes('sha256', Buffer.from(input, 'ascii'), { key: this.keyObject, dsaEncoding: 'ieee-p1363' })
        : signBytes(null, Buffer.from(input, 'ascii'), this.keyObject);
    // Signed synchronously above; callers await the signature, so it is handed back as a promise.
    return Promise.resolve(`${input}.${signature.toString('base64url')}`);
  }
}
