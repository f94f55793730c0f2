import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CompactSign, type CryptoKey, type JWK } from 'jose';
import { importPrivate } from '../../../src/demo/demo-keys.js';
import { signRequestToken } from '../../../src/shared/auth/request-token.js';

export const AUD = 'probation-gateway';

export interface Actor {
  org: string;
  roles: string[];
  sub?: string;
  attrs?: Record<string, unknown>;
  reason?: string;
}

interface Key {
  kid: string;
  alg: 'ES256' | 'EdDSA';
  key: CryptoKey;
}

/** Signs request tokens and exchange-request documents with the demo keys under DATA_DIR/demo-keys. */
export class DemoSigner {
  private readonly keys = new Map<string, Key>();

  constructor(private readonly dataDir: string) {}

  async key(org: string): Promise<Key> {
    let k = this.keys.get(org);
    if (!k) {
      const jwk = JSON.parse(await readFile(path.join(this.dataDir, 'demo-keys', `${org}.jwk`), 'utf8')) as JWK;
      k = { kid: jwk.kid!, alg: jwk.kty === 'OKP' ? 'EdDSA' : 'ES256', key: await importPrivate(jwk) };
      this.keys.set(org, k);
    }
    return k;
  }

  /** Replaces an organisation's signing key (after a rotation). */
  use(org: string, k: Key): void {
    this.keys.set(org, k);
  }

  /** A request token; returns it with its jti (read back from the claims). */
  async token(a: Actor, method: string, pathWithQuery: string, body?: string): Promise<{ token: string; jti: string }> {
    const k = await this.key(a.org);
    const token = await signRequestToken({
      privateKey: k.key,
      alg: k.alg,
      kid: k.kid,
      iss: a.org,
      sub: a.sub ?? 'user:resilience-1',
      aud: AUD,
      method,
      path: pathWithQuery,
      body,
      roles: a.roles,
      attrs: a.attrs,
      reason: a.reason,
    });
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { jti: string };
    return { token, jti: claims.jti };
  }

  /** A compact exchange-request JWS (typ exchange-request+jwt) by `org`'s key. */
  async exchangeRequest(org: string, claims: Record<string, unknown>): Promise<string> {
    const k = await this.key(org);
    const full = { iss: org, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ...claims };
    return new CompactSign(new TextEncoder().encode(JSON.stringify(full)))
      .setProtectedHeader({ alg: k.alg, kid: k.kid, typ: 'exchange-request+jwt' })
      .sign(k.key);
  }
}
