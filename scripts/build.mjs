// Compiles the TypeScript sources to ESM JavaScript under dist/ with SWC (about a second;
// `tsc` type-checks separately in `npm test`). Path aliases are rewritten to relative paths.
import { transformFile } from '@swc/core';
import { mkdir, rename, writeFile, copyFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { ROOTS, STAMP, walk } from './build-inputs.mjs';
import { swcOptions } from './swc-options.mjs';

const root = process.cwd();
const out = path.join(root, 'dist');

// Files are replaced atomically and dist/ is never emptied, so a build never pulls files from
// under a running process or a test run of someone else on the same tree.
async function atomicWrite(file, data) {
  const tmp = `${file}.tmp${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

const started = new Date();
const options = swcOptions(root);
let count = 0;
for (const r of ROOTS) {
  for await (const file of walk(path.join(root, r))) {
    const rel = path.relative(root, file);
    const target = path.join(out, rel);
    await mkdir(path.dirname(target), { recursive: true });
    if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
      if (/\.(spec|e2e-spec)\.ts$/.test(file)) continue;
      const { code, map } = await transformFile(file, {
        ...options,
        filename: file,
        sourceFileName: path.relative(path.dirname(target), file),
      });
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
// The stamp carries the start time: a source saved during the build makes the next check rebuild.
await atomicWrite(path.join(root, STAMP), `${started.toISOString()}\n`);
await utimes(path.join(root, STAMP), started, started);
console.error(`built ${count} files into dist/`);
