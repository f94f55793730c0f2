// Compiles the TypeScript sources to ESM JavaScript under dist/ with SWC (about a second;
// `tsc` type-checks separately in `npm test`). Path aliases are rewritten to relative paths.
import { transformFile } from '@swc/core';
import { mkdir, readdir, readFile, rename, writeFile, copyFile, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { ROOTS, STAMP, walk } from './build-inputs.mjs';
import { swcOptions } from './swc-options.mjs';

const root = process.cwd();
const out = path.join(root, 'dist');

// Files are replaced atomically and dist/ is never emptied, so a build never pulls files from
// under a running process or a test run of someone else on the same tree.
// Every file this build wrote: whatever else lies under dist/'s copies of ROOTS came from a
// source that is gone, and is removed at the end, so nothing deleted from src/ is still served.
const written = new Set();
async function atomicWrite(file, data) {
  const tmp = `${file}.tmp${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
  written.add(file);
}

// The IG console's browser modules: TypeScript compiled to browser ESM like the rest, which may
// import only each other and src/shared/verification (the code the gateway verifies with). Those
// shared modules are copied beside them as verification/*.js, served at /ig/assets/verification/.
const BROWSER = path.join('src', 'modules', 'ig-console', 'static');
const SHARED = path.join('src', 'shared', 'verification');
// An import or re-export statement at the start of a line, or right after a block comment (SWC
// emits the first import on the line where the file's leading comment ends).
const IMPORT = /(^|\*\/)(\s*(?:import|export)\b[^'";]*?\bfrom\s*|\s*import\s*)(['"])([^'"]+)\3/gm;

function browserModule(code, rel) {
  if (/\bimport\s*\(/.test(code)) throw new Error(`${rel}: a browser module imports nothing dynamically`);
  return code.replace(IMPORT, (all, start, lead, q, spec) => {
    const shared = /^(\.\.\/){3}shared\/verification\/([\w-]+\.js)$/.exec(spec);
    if (shared) return `${start}${lead}${q}./verification/${shared[2]}${q}`;
    if (/^\.\/[\w-]+\.js$/.test(spec)) return all;
    throw new Error(`${rel}: a browser module imports only its siblings and ${SHARED}, not "${spec}"`);
  });
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
      const emitted = path.dirname(rel) === BROWSER ? browserModule(code, rel) : code;
      await atomicWrite(js, emitted + `\n//# sourceMappingURL=${path.basename(js)}.map\n`);
      if (map) await atomicWrite(js + '.map', map);
      count++;
    } else if (!file.endsWith('.mjs') || r !== 'scripts') {
      await copyFile(file, target + '.tmp' + process.pid);
      await rename(target + '.tmp' + process.pid, target);
      written.add(target);
    }
  }
}
const browserShared = path.join(out, BROWSER, 'verification');
await mkdir(browserShared, { recursive: true });
for (const f of (await readdir(path.join(root, SHARED))).filter((x) => /\.ts$/.test(x) && !/\.(spec|d)\.ts$/.test(x))) {
  const js = f.replace(/\.ts$/, '.js');
  const code = (await readFile(path.join(out, SHARED, js), 'utf8')).replace(/\n\/\/# sourceMappingURL=.*\n$/, '\n');
  browserModule(code, path.join(SHARED, f).replace(/\.ts$/, '.js'));
  await atomicWrite(path.join(browserShared, js), code);
}
for (const r of ROOTS) {
  for await (const file of walk(path.join(out, r))) {
    // Another build's temporary file (`.tmp<pid>`) is left to the build that is writing it.
    if (!written.has(file) && !/\.tmp\d+$/.test(file)) await unlink(file).catch(() => {});
  }
}
// The stamp carries the start time: a source saved during the build makes the next check rebuild.
await atomicWrite(path.join(root, STAMP), `${started.toISOString()}\n`);
await utimes(path.join(root, STAMP), started, started);
console.error(`built ${count} files into dist/`);
