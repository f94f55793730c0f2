import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One policy file as loaded: its name in the folder and its exact bytes. */
export interface PolicyFile {
  name: string;
  bytes: Buffer;
}

/** A policy folder's files in name order, with their content hash. */
export interface PolicyFiles {
  hash: string;
  files: PolicyFile[];
}

const cache = new Map<string, PolicyFiles>();

/**
 * The content hash of a set of policy files: `sha256:<hex>` of, for each file in name order,
 * `<file name>\n<byte length>\n<bytes>`. The same files give the same hash on any machine, and any
 * change to a file, its name or the set of files gives another.
 */
export function hashPolicyFiles(files: readonly PolicyFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
    h.update(`${f.name}\n${f.bytes.length}\n`, 'utf8').update(f.bytes);
  return `sha256:${h.digest('hex')}`;
}

/**
 * The top-level `*.yaml`/`*.yml` files of a policy folder and their content hash, read once per
 * folder and process: the policy engine parses these very bytes and every log entry of the
 * process names their hash, so an entry always names the policies that decided it.
 */
export function readPolicyFiles(dir: string): PolicyFiles {
  const key = path.resolve(dir);
  let loaded = cache.get(key);
  if (!loaded) {
    const files = readdirSync(key)
      .filter((x) => /\.ya?ml$/.test(x))
      .sort()
      .map((name) => ({ name, bytes: readFileSync(path.join(key, name)) }));
    loaded = { hash: hashPolicyFiles(files), files };
    cache.set(key, loaded);
  }
  return loaded;
}

/** The content hash of a policy folder (see {@link readPolicyFiles}). */
export function policyFilesHash(dir: string): string {
  return readPolicyFiles(dir).hash;
}
