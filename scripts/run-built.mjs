// `npm run <tool>`: runs a compiled tool from dist/ in this process, building first only when
// dist/ is missing or older than a source (see build-inputs.mjs), so a call does not pay for a
// build of the whole project each time.
//
//   node scripts/run-built.mjs scripts/token.js [the tool's options]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isBuildCurrent } from './build-inputs.mjs';

const root = process.cwd();
const tool = process.argv[2];
if (!tool || !/^(scripts|bench|src)\/[\w./-]+\.js$/.test(tool)) {
  process.stderr.write('usage: node scripts/run-built.mjs <scripts/x.js|bench/x.js|src/x.js> [options]\n');
  process.exit(2);
}
if (!(await isBuildCurrent(root))) {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// The tool reads its options from process.argv.slice(2), as if started directly.
process.argv.splice(1, 2, path.join(root, 'dist', tool));
await import(pathToFileURL(path.join(root, 'dist', tool)).href);
