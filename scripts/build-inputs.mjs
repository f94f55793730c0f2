// What `node scripts/build.mjs` compiles, and how to tell whether dist/ is older than it: shared
// by the build and by scripts/run-built.mjs, so both read the same list.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Folders whose files the build compiles or copies into dist/. */
export const ROOTS = ['src', 'scripts', 'bench', 'migrations', 'policies', 'retention'];
/** Files outside those folders that change what the build writes. */
const SETTINGS = ['tsconfig.json', 'package-lock.json'];
/** Written at the end of every build, with the time the build started. */
export const STAMP = path.join('dist', '.build-stamp');

export async function* walk(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

/**
 * True when dist/ was built (to the end) after the last change of any source, setting or
 * build script: only then may a tool run from dist/ without building first.
 */
export async function isBuildCurrent(root) {
  let built;
  try {
    built = (await stat(path.join(root, STAMP))).mtimeMs;
  } catch {
    return false;
  }
  for (const file of SETTINGS) {
    const s = await stat(path.join(root, file)).catch(() => null);
    if (s && s.mtimeMs > built) return false;
  }
  for (const r of ROOTS) {
    for await (const file of walk(path.join(root, r))) {
      if ((await stat(file)).mtimeMs > built) return false;
    }
  }
  return true;
}
