import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const cache = new Map<string, string>();

/**
 * The content hash of a policy folder: `sha256:<hex>` of, for each top-level `*.yaml`/`*.yml`
 * file in name order, `<file name>\n<byte length>\n<bytes>`. The same files give the same hash on
 * any machine, and any change to a file, its name or the set of files gives another. Computed once
 * per folder and process, so every log entry of a process names the policies it loaded.
 */
export function policyFilesHash(dir: string): string {
  const key = path.resolve(dir);
  let hash = cache.get(key);
  if (!hash) {
    const h = createHash('sha256');
    for (const f of readdirSync(key)
      .filter((x) => /\.ya?ml$/.test(x))
      .sort()) {
      const bytes = readFileSync(path.join(key, f));
      h.update(`${f}\n${bytes.length}\n`, 'utf8').update(bytes);
    }
    hash = `sha256:${h.digest('hex')}`;
    cache.set(key, hash);
  }
  return hash;
}
