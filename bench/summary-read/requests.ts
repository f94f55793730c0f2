// The summary reads the benchmark sends: who reads which case for which purpose, each with its
// own freshly signed request token (a token is single-use: the gateway refuses a replayed jti).
// Signing ES256 costs CPU on the same two cores as the gateway, so tokens are signed before the
// clock starts and kept in memory; they live 300 s, longer than a run.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CryptoKey, JWK } from 'jose';
import { signRequestToken } from '../../src/shared/auth/request-token.js';
import { importPrivate } from '../../src/demo/demo-keys.js';
import { Random } from '../../src/demo/synthetic/prng.js';
import { progressBar } from '../../src/demo/synthetic/progress.js';
import type { RequestSpec } from '../lib/load.js';

export const TOKEN_TTL_SECONDS = 300;

export interface Reader {
  org: string;
  roles: string[];
  attrs?: Record<string, unknown>;
  reason: string;
  purpose: string;
  /** `sub` is `user:<subPrefix>-<n>` for n in 1..people, spreading reads over many officers. */
  subPrefix: string;
  people: number;
}

/** The force whose IOM cohort the benchmarks read. */
export const IOM_FORCE = 'cleveland';

/** The demo's IOM officers of that force, reading its cohort (the policies' IOM rule). */
export const IOM_READER: Reader = {
  org: `police-${IOM_FORCE}`,
  roles: ['iom-officer'],
  attrs: { force: IOM_FORCE },
  reason: 'IOM tasking: weekly review of cohort',
  purpose: 'IOM',
  subPrefix: 'cleveland-iom',
  people: 200,
};

/** Offender managers of `org`, reading the cases their organisation manages. */
export const omReader = (org: string): Reader => ({
  org,
  roles: ['offender-manager'],
  reason: 'Supervision: risk review before appointment',
  purpose: 'RISK_MANAGEMENT',
  subPrefix: `${org}-om`,
  people: 300,
});

export interface Read {
  reader: Reader;
  crn: string;
  sub: string;
}

export interface SigningKey {
  org: string;
  kid: string;
  alg: 'ES256' | 'EdDSA';
  key: CryptoKey;
}

/** The demo private key of `org` from DATA_DIR/demo-keys/<org>.jwk. */
export async function loadDemoKey(dataDir: string, org: string): Promise<SigningKey> {
  const jwk = JSON.parse(await readFile(path.join(dataDir, 'demo-keys', `${org}.jwk`), 'utf8')) as JWK;
  return { org, kid: jwk.kid!, alg: jwk.kty === 'OKP' ? 'EdDSA' : 'ES256', key: await importPrivate(jwk) };
}

export function summaryPath(crn: string, purpose: string): string {
  return `/cases/${crn}/summary?purpose=${purpose}`;
}

export async function signRead(
  r: Read,
  keys: Map<string, SigningKey>,
  aud: string,
  now?: number,
): Promise<RequestSpec> {
  const k = keys.get(r.reader.org);
  if (!k) throw new Error(`no signing key loaded for ${r.reader.org}`);
  const p = summaryPath(r.crn, r.reader.purpose);
  const token = await signRequestToken({
    privateKey: k.key,
    alg: k.alg,
    kid: k.kid,
    iss: k.org,
    sub: r.sub,
    aud,
    method: 'GET',
    path: p,
    roles: r.reader.roles,
    attrs: r.reader.attrs,
    reason: r.reader.reason,
    ttlSeconds: TOKEN_TTL_SECONDS,
    now,
  });
  return { method: 'GET', path: p, headers: { authorization: `Bearer ${token}` } };
}

/**
 * A deterministic sequence of reads: `omShare` of them by the managing organisation's offender
 * managers (RISK_MANAGEMENT), the rest by police IOM officers over their cohort (IOM).
 */
export function planReads(opts: {
  count: number;
  seed: number;
  iom: { reader: Reader; crns: string[] };
  om: { readers: Map<string, Reader>; cases: { crn: string; managingOrg: string }[] };
  omShare: number;
}): Read[] {
  const r = new Random(opts.seed);
  const reads = new Array<Read>(opts.count);
  for (let i = 0; i < opts.count; i++) {
    if (opts.om.cases.length && r.chance(opts.omShare)) {
      const c = r.pick(opts.om.cases);
      const reader = opts.om.readers.get(c.managingOrg)!;
      reads[i] = { reader, crn: c.crn, sub: `user:${reader.subPrefix}-${r.int(1, reader.people)}` };
    } else {
      const reader = opts.iom.reader;
      reads[i] = { reader, crn: r.pick(opts.iom.crns), sub: `user:${reader.subPrefix}-${r.int(1, reader.people)}` };
    }
  }
  return reads;
}

/** Signs every read, `parallel` at a time (WebCrypto signs off the main thread), with a progress bar. */
export async function presign(
  reads: Read[],
  keys: Map<string, SigningKey>,
  aud: string,
  parallel = 64,
): Promise<RequestSpec[]> {
  const out = new Array<RequestSpec>(reads.length);
  const bar = progressBar('signing tokens', reads.length);
  for (let i = 0; i < reads.length; i += parallel) {
    const end = Math.min(reads.length, i + parallel);
    const batch = await Promise.all(reads.slice(i, end).map((r) => signRead(r, keys, aud)));
    for (let j = 0; j < batch.length; j++) out[i + j] = batch[j];
    bar.update(end);
  }
  bar.finish();
  return out;
}

/**
 * Hands out pre-signed requests in order; when they run out (the gateway was faster than
 * planned), signs on the spot and counts it, since that signing competes with the gateway.
 */
export class TokenPool {
  private next = 0;
  lateSigned = 0;

  constructor(
    private readonly specs: RequestSpec[],
    private readonly reads: Read[],
    private readonly keys: Map<string, SigningKey>,
    private readonly aud: string,
  ) {}

  get used(): number {
    return this.next;
  }

  take = (): RequestSpec | Promise<RequestSpec> => {
    const i = this.next++;
    if (i < this.specs.length) {
      const s = this.specs[i];
      this.specs[i] = undefined as unknown as RequestSpec; // let the memory go
      return s;
    }
    this.lateSigned++;
    return signRead(this.reads[i % this.reads.length], this.keys, this.aud);
  };
}
