import { calculateJwkThumbprint, importJWK, type CryptoKey, type JWK } from 'jose';
import type { SigningAlg } from './signature-checker.js';

/** Members that only private or symmetric keys have; a public JWK carrying any of them is refused. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];
const ALLOWED_MEMBERS = new Set(['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use', 'key_ops', 'ext']);

/** A validated public verification key. */
export interface PublicJwk {
  kty: 'EC' | 'OKP';
  crv: 'P-256' | 'Ed25519';
  x: string;
  y?: string;
  kid: string;
  alg: SigningAlg;
  use: 'sig';
}

const B64URL = /^[A-Za-z0-9_-]+$/;

const P25519 = (1n << 255n) - 19n;
/** The y of the order-8 points of edwards25519 (the other order-8 points have y = p - Y8). */
const Y8 = 0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n;
const SMALL_ORDER_Y = [0n, 1n, P25519 - 1n, Y8, P25519 - Y8];

/**
 * Whether a 32-byte Ed25519 public key is one no private key stands behind: a point of small order
 * (the eight torsion points have y = 0, 1, -1 or +-Y8, whatever x's sign) or a y not below p (no
 * canonical encoding). Under such a key a signature can be made without any secret (R the identity,
 * S = 0 verifies for many messages), so it is never registered and never verifies anything.
 */
export function isWeakEd25519Key(x: Uint8Array): boolean {
  if (x.length !== 32) return true;
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? x[i] & 0x7f : x[i]);
  return y >= P25519 || SMALL_ORDER_Y.includes(y);
}

function b64len(s: unknown, bytes: number): boolean {
  return typeof s === 'string' && B64URL.test(s) && Buffer.from(s, 'base64url').length === bytes;
}

/**
 * Checks one JWK: EC P-256 or Ed25519 public keys only, no private parts, a kid, and a point
 * that really imports. Returns a problem sentence, or the normalised key.
 */
export async function validatePublicJwk(
  input: unknown,
): Promise<{ ok: true; jwk: PublicJwk } | { ok: false; problem: string }> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, problem: 'must be a JWK object' };
  const j = input as Record<string, unknown>;
  const priv = PRIVATE_MEMBERS.find((m) => m in j);
  if (priv) return { ok: false, problem: `must be a public key: private member "${priv}" is not accepted` };
  if (j.kty !== 'EC' && j.kty !== 'OKP')
    return { ok: false, problem: 'kty must be EC (P-256) or OKP (Ed25519); RSA and symmetric keys are not accepted' };
  const unknown = Object.keys(j).find((k) => !ALLOWED_MEMBERS.has(k));
  if (unknown) return { ok: false, problem: `has an unsupported member "${unknown}"` };
  if (typeof j.kid !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(j.kid))
    return { ok: false, problem: 'must have a kid of 1-128 letters, digits, ".", "_", ":" or "-"' };
  if (j.use !== undefined && j.use !== 'sig') return { ok: false, problem: 'use must be "sig"' };
  if (j.key_ops !== undefined && !(Array.isArray(j.key_ops) && j.key_ops.every((o) => o === 'verify')))
    return { ok: false, problem: 'key_ops may only contain "verify"' };
  let alg: SigningAlg;
  if (j.kty === 'EC') {
    if (j.crv !== 'P-256') return { ok: false, problem: 'EC keys must use the P-256 curve' };
    if (!b64len(j.x, 32) || !b64len(j.y, 32))
      return { ok: false, problem: 'x and y must be 32-byte base64url coordinates' };
    if (j.alg !== undefined && j.alg !== 'ES256') return { ok: false, problem: 'an EC P-256 key must have alg ES256' };
    alg = 'ES256';
  } else if (j.kty === 'OKP') {
    if (j.crv !== 'Ed25519') return { ok: false, problem: 'OKP keys must use the Ed25519 curve' };
    if (!b64len(j.x, 32) || 'y' in j) return { ok: false, problem: 'x must be a 32-byte base64url public key' };
    if (isWeakEd25519Key(Buffer.from(j.x as string, 'base64url')))
      return {
        ok: false,
        problem: 'x is a point of small order or not canonically encoded: signatures under it could be forged',
      };
    if (j.alg !== undefined && j.alg !== 'EdDSA' && j.alg !== 'Ed25519')
      return { ok: false, problem: 'an Ed25519 key must have alg EdDSA' };
    alg = 'EdDSA';
  } else {
    return { ok: false, problem: 'kty must be EC (P-256) or OKP (Ed25519); RSA and symmetric keys are not accepted' };
  }
  const jwk: PublicJwk = {
    kty: j.kty,
    crv: j.crv,
    x: j.x as string,
    ...(j.kty === 'EC' ? { y: j.y as string } : {}),
    kid: j.kid,
    alg,
    use: 'sig',
  };
  try {
    await importJWK(toImportable(jwk), alg);
  } catch {
    return { ok: false, problem: 'is not a valid point on its curve' };
  }
  return { ok: true, jwk };
}

function toImportable(jwk: PublicJwk): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.y ? { y: jwk.y } : {}) };
}

// Imported keys by their public material: importing is a pure function of it, and costs more
// than the verification it serves (2-3x), so signatures checked against a key read fresh from
// the registry (exchange requests, agreement signatures) do not pay for it each time.
const imported = new Map<string, Promise<CryptoKey>>();
const MAX_IMPORTED = 1000;

export function importPublicJwk(jwk: PublicJwk): Promise<CryptoKey> {
  const id = `${jwk.alg}|${jwk.kty}|${jwk.crv}|${jwk.x}|${jwk.y ?? ''}`;
  let key = imported.get(id);
  if (!key) {
    if (imported.size >= MAX_IMPORTED) imported.clear();
    key = importJWK(toImportable(jwk), jwk.alg).then((k) => k as CryptoKey);
    // A failed import is not remembered: the next call tries again (and fails the same way).
    key.catch(() => imported.delete(id));
    imported.set(id, key);
  }
  return key;
}

export async function thumbprint(jwk: PublicJwk): Promise<string> {
  return calculateJwkThumbprint(toImportable(jwk), 'sha256');
}
