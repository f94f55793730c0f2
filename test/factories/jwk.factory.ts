import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { TestKey } from '../setup/test-app.js';

export type { TestKey };

/**
 * A fresh signing key pair, ES256 (P-256) by default or EdDSA (Ed25519), in the shape the test
 * gateway uses. Kept free of the app so unit specs can use it cheaply.
 */
export async function aKey(kid: string, alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const pub = await exportJWK(publicKey);
  const priv = await exportJWK(privateKey);
  return {
    kid,
    privateKey: privateKey,
    publicJwk: { ...pub, kid, alg, use: 'sig' },
    privateJwk: { ...priv, kid, alg },
  };
}

/** Public JWKs the registry must refuse, each with the problem it shows. */
export const invalidJwks = {
  /** A private EC key: carries `d`. */
  async privateEc(kid = 'bad-private'): Promise<Record<string, unknown>> {
    const k = await aKey(kid);
    return { ...k.privateJwk, kid };
  },
  async rsa(kid = 'bad-rsa'): Promise<Record<string, unknown>> {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    return { ...(await exportJWK(publicKey)), kid, alg: 'RS256' };
  },
  symmetric(kid = 'bad-oct'): Record<string, unknown> {
    return { kty: 'oct', k: randomBytes(32).toString('base64url'), kid, alg: 'HS256' };
  },
  async wrongCurve(kid = 'bad-p384'): Promise<Record<string, unknown>> {
    const { publicKey } = await generateKeyPair('ES384', { extractable: true });
    return { ...(await exportJWK(publicKey)), kid };
  },
  /** Well-formed coordinates that are not a point on P-256. */
  async offCurve(kid = 'bad-point'): Promise<Record<string, unknown>> {
    const k = await aKey(kid);
    const y = Buffer.from(k.publicJwk.y as string, 'base64url');
    y[31] ^= 0x01;
    return { ...k.publicJwk, y: y.toString('base64url') };
  },
};
