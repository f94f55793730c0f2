import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DemoKey {
  org: string;
  kid: string;
  alg: 'ES256' | 'EdDSA';
  privateJwk: JWK;
  publicJwk: Record<string, unknown>;
}

export function demoKeyPath(dataDir: string, org: string): string {
  return path.join(dataDir, 'demo-keys', `${org}.jwk`);
}

/** Loads `<dataDir>/demo-keys/<org>.jwk`, creating an ES256 key there the first time. */
export async function ensureDemoKey(dataDir: string, org: string): Promise<DemoKey> {
  const file = demoKeyPath(dataDir, org);
  let jwk: JWK;
  if (existsSync(file)) {
    jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  } else {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    jwk = await exportJWK(privateKey);
    jwk.alg = 'ES256';
    jwk.kid = `${org}-${(await calculateJwkThumbprint(jwk)).slice(0, 8)}`;
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, JSON.stringify(jwk, null, 2) + '\n', { mode: 0o600 });
  }
  const { d: _d, ...pub } = jwk;
  return {
    org,
    kid: jwk.kid!,
    alg: (jwk.alg as 'ES256' | 'EdDSA') ?? 'ES256',
    privateJwk: jwk,
    publicJwk: { ...pub, use: 'sig' },
  };
}

export async function importPrivate(jwk: JWK): Promise<CryptoKey> {
  const alg = jwk.alg ?? (jwk.kty === 'OKP' ? 'EdDSA' : 'ES256');
  return (await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d }, alg)) as CryptoKey;
}
