import { createHash, randomUUID } from 'node:crypto';
import { CompactSign, type CryptoKey } from 'jose';
import type { TestOrg } from '../setup/test-app.js';

type Json = Record<string, unknown>;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export function bodyHash(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('base64url');
}

/**
 * Builds request tokens by hand, including the malformed and hostile ones the gateway must
 * refuse: any header, any claims, any key and algorithm, or no signature at all.
 *
 *   await aRequestToken(org, aud).forRequest('GET', '/organisations').withHeader({ jku: '...' }).sign()
 */
export class RequestTokenBuilder {
  private header: Json;
  private claims: Json;
  private key: CryptoKey | Uint8Array;
  private crit: Record<string, boolean> | undefined;

  constructor(org: TestOrg, aud: string) {
    const now = Math.floor(Date.now() / 1000);
    this.header = { alg: 'ES256', kid: org.key.kid, typ: 'gw-request+jwt' };
    this.claims = { iss: org.id, sub: 'user:test-1', aud, iat: now, exp: now + 120, jti: randomUUID(), roles: [] };
    this.key = org.key.privateKey;
  }

  /** Sets htm, htu and (for a non-empty body) bsh as a well-behaved client would. */
  forRequest(method: string, pathWithQuery: string, body?: string | Buffer): this {
    this.claims.htm = method;
    this.claims.htu = pathWithQuery;
    if (body !== undefined && body.length > 0) this.claims.bsh = bodyHash(body);
    return this;
  }

  withHeader(h: Json): this {
    Object.assign(this.header, h);
    return this;
  }

  withoutHeader(...names: string[]): this {
    for (const n of names) delete this.header[n];
    return this;
  }

  withClaims(c: Json): this {
    Object.assign(this.claims, c);
    return this;
  }

  without(...names: string[]): this {
    for (const n of names) delete this.claims[n];
    return this;
  }

  /** Lifetime relative to now, in seconds: `issuedAt(-200).expiresAt(-100)`. */
  issuedAt(offsetSeconds: number): this {
    this.claims.iat = Math.floor(Date.now() / 1000) + offsetSeconds;
    return this;
  }

  expiresAt(offsetSeconds: number): this {
    this.claims.exp = Math.floor(Date.now() / 1000) + offsetSeconds;
    return this;
  }

  /** Signs with another key (and algorithm): an RSA key, an HMAC secret, another organisation's key. */
  signedWith(key: CryptoKey | Uint8Array, alg?: string): this {
    this.key = key;
    if (alg) this.header.alg = alg;
    return this;
  }

  /** Lets jose emit a `crit` header it would otherwise refuse to sign. */
  allowingCrit(...names: string[]): this {
    this.crit = Object.fromEntries(names.map((n) => [n, true]));
    return this;
  }

  get jti(): string {
    return this.claims.jti as string;
  }

  async sign(): Promise<string> {
    return new CompactSign(Buffer.from(JSON.stringify(this.claims)))
      .setProtectedHeader(this.header as { alg: string })
      .sign(this.key, this.crit ? { crit: this.crit } : undefined);
  }

  /** `alg: none`: header and claims, and an empty (or made-up) signature. */
  unsigned(signature = ''): string {
    return `${b64({ ...this.header, alg: 'none' })}.${b64(this.claims)}.${signature}`;
  }
}

export function aRequestToken(org: TestOrg, aud = 'probation-gateway'): RequestTokenBuilder {
  return new RequestTokenBuilder(org, aud);
}
