import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, type CryptoKey } from 'jose';

/** The `typ` of a request token (explicit typing, RFC 8725): no other kind of JWT is accepted as one. */
export const REQUEST_TOKEN_TYPE = 'gw-request+jwt';

export interface RequestTokenInput {
  privateKey: CryptoKey;
  alg: 'ES256' | 'EdDSA';
  kid: string;
  iss: string;
  sub: string;
  aud: string;
  method: string;
  /** Path with query, exactly as sent. */
  path: string;
  body?: string | Buffer;
  roles?: string[];
  attrs?: Record<string, unknown>;
  reason?: string;
  breakGlass?: boolean;
  ttlSeconds?: number;
  jti?: string;
  now?: number;
}

/** Builds a request token as docs/api.md describes; used by the token tool, tests and benchmarks. */
export async function signRequestToken(i: RequestTokenInput): Promise<string> {
  const iat = i.now ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    sub: i.sub,
    htm: i.method.toUpperCase(),
    htu: i.path,
    roles: i.roles ?? [],
  };
  if (i.body !== undefined && (typeof i.body === 'string' ? i.body.length : i.body.length) > 0) {
    claims.bsh = createHash('sha256').update(i.body).digest('base64url');
  }
  if (i.attrs) claims.attrs = i.attrs;
  if (i.reason) claims.reason = i.reason;
  if (i.breakGlass) claims.breakGlass = true;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: i.alg, kid: i.kid, typ: REQUEST_TOKEN_TYPE })
    .setIssuer(i.iss)
    .setAudience(i.aud)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (i.ttlSeconds ?? 120))
    .setJti(i.jti ?? randomUUID())
    .sign(i.privateKey);
}
