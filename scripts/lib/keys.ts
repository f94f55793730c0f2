/** The private key a command-line tool signs with: a file given by --key, or the demo key of the organisation. */
import { readFileSync } from 'node:fs';
import type { CryptoKey, JWK } from 'jose';
import { demoKeyPath, importPrivate } from '../../src/demo/demo-keys.js';
import type { Cli, CliOption } from './cli.js';

export interface SigningKey {
  file: string;
  jwk: JWK & { kid: string };
  alg: 'ES256' | 'EdDSA';
  privateKey: CryptoKey;
}

/**
 * Reads `keyFile`, or `<dataDir>/demo-keys/<org>.jwk` when it is not given. A file that cannot be
 * read or is no private JWK with a kid is a usage error of the tool.
 */
export async function loadSigningKey<O extends Record<string, CliOption>>(
  cli: Cli<O>,
  opts: { keyFile?: string; dataDir: string; org: string },
): Promise<SigningKey> {
  const file = opts.keyFile ?? demoKeyPath(opts.dataDir, opts.org);
  let jwk: JWK;
  try {
    jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } catch {
    cli.usageError(`cannot read a private JWK at ${file} (start the gateway with DEMO=true first, or pass --key)`);
  }
  if (typeof jwk !== 'object' || jwk === null || !jwk.d || !jwk.kid)
    cli.usageError(`${file} must be a private JWK with a kid`);
  let privateKey: CryptoKey;
  try {
    privateKey = await importPrivate(jwk);
  } catch (e) {
    cli.usageError(`${file} is not a usable ES256 or EdDSA private key (${(e as Error).message})`);
  }
  return { file, jwk: jwk as JWK & { kid: string }, alg: jwk.kty === 'OKP' ? 'EdDSA' : 'ES256', privateKey };
}
