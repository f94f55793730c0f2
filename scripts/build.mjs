// Compiles the TypeScript sources to ESM JavaScript under dist/ with SWC (about a second;
// `tsc` type-checks separately in `npm test`). Path aliases are rewritten to relative paths.
import { transformFile } from '@swc/core';
import { mkdir, readdir, rename, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { swcOptions } from './swc-options.mjs';

const root = process.cwd();
const out = path.join(root, 'dist');
const roots = ['src', 'scripts', 'bench', 'migrations', 'policies'];

async function* walk(dir) {
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

// Files are replaced atomically and dist/ is never emptied, so a build never pulls files from
// under a running process or a test run of someone else on the same tree.
async function atomicWrite(file, data) {
  const tmp = `${file}.tmp${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

const options = swcOptions(root);
let count = 0;
for (const r of roots) {
  for await (const file of walk(path.join(root, r))) {
    const rel = path.relative(root, file);
    const target = path.join(out, rel);
    await mkdir(path.dirname(target), { recursive: true });
    if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
      if (/\.(spec|e2e-spec)\.ts$/.test(file)) continue;
      const { code, map } = await transformFile(file, { ...options, filename: file, sourceFileName: path.relative(path.dirname(target), file) });
      const js = target.replace(/\.ts$/, '.js');
      await atomicWrite(js, code + `\n//# sourceMappingURL=${path.basename(js)}.map\n`);
      if (map) await atomicWrite(js + '.map', map);
      count++;
    } else if (!file.endsWith('.mjs') || r !== 'scripts') {
      await copyFile(file, target + '.tmp' + process.pid);
      await rename(target + '.tmp' + process.pid, target);
    }
  }
}
console.error(`built ${count} files into dist/`);
