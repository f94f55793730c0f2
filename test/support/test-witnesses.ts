import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ed25519Cosigner, newEd25519Seed } from '../../src/modules/access-log/domain/note/index.js';
import { startWitness, type RunningWitness } from '../../src/witness/start.js';

/** Witnesses run in this process on loopback, each with a fresh key and data folder, for the log `logVkey`. */
export async function startTestWitnesses(
  names: readonly string[],
  logVkey: string,
): Promise<{ witnesses: RunningWitness[]; close: () => Promise<void> }> {
  const dirs: string[] = [];
  const witnesses: RunningWitness[] = [];
  for (const name of names) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-witness-'));
    dirs.push(dataDir);
    const key = new Ed25519Cosigner(name, newEd25519Seed()).privateKeyText;
    witnesses.push(await startWitness({ name, host: '127.0.0.1', port: 0, dataDir, key, logs: [logVkey] }));
  }
  return {
    witnesses,
    async close() {
      await Promise.all(witnesses.map((w) => w.close()));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
