import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ed25519Cosigner, newEd25519Seed, parseVerifierKey } from '../modules/access-log/domain/note/index.js';

export interface WitnessConfig {
  /** The witness's key name, e.g. `witness.police-durham.example/w1`. */
  name: string;
  host: string;
  port: number;
  dataDir: string;
  /** The witness's private key text; undefined means "create or load under dataDir". */
  key: string | undefined;
  /** Note verifier keys of the logs witnessed; each key's name is its log's origin. */
  logs: string[];
}

type Env = Record<string, string | undefined>;

/** Reads the witness's settings (WITNESS_*), refusing any invalid one with a message naming it. */
export function loadWitnessConfig(env: Env): WitnessConfig {
  const name = env.WITNESS_NAME?.trim();
  if (!name || /[\s+]/.test(name))
    throw new Error(
      'WITNESS_NAME must be set to a key name without spaces or plus signs, e.g. witness.police-durham.example/w1',
    );
  const port = Number(env.WITNESS_PORT ?? '3141');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('WITNESS_PORT must be a port number');
  const logs = (env.WITNESS_LOGS ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (logs.length === 0)
    throw new Error('WITNESS_LOGS must list the verifier key of at least one log (GET /log/key of the gateway)');
  for (const l of logs) {
    try {
      parseVerifierKey(l);
    } catch (e) {
      throw new Error(`WITNESS_LOGS holds an invalid verifier key "${l}": ${(e as Error).message}`, { cause: e });
    }
  }
  return {
    name,
    host: env.WITNESS_HOST?.trim() || '127.0.0.1',
    port,
    dataDir: path.resolve(env.WITNESS_DATA_DIR?.trim() || '.witness'),
    key: env.WITNESS_KEY?.trim() || undefined,
    logs,
  };
}

/** The witness's key: WITNESS_KEY, or `<dataDir>/witness.key`, created on first start. */
export async function loadCosigner(c: Pick<WitnessConfig, 'name' | 'dataDir' | 'key'>): Promise<Ed25519Cosigner> {
  let text = c.key;
  if (!text) {
    const file = path.join(c.dataDir, 'witness.key');
    if (existsSync(file)) {
      text = (await readFile(file, 'utf8')).trim();
    } else {
      text = new Ed25519Cosigner(c.name, newEd25519Seed()).privateKeyText;
      await mkdir(c.dataDir, { recursive: true, mode: 0o700 });
      await writeFile(file, text + '\n', { mode: 0o600 });
    }
  }
  const cosigner = Ed25519Cosigner.fromPrivateKeyText(text);
  if (cosigner.name !== c.name)
    throw new Error(`the witness key is named "${cosigner.name}", not WITNESS_NAME "${c.name}"`);
  return cosigner;
}
