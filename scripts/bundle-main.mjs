// The one-file gateway's entry point, copied to dist/bundle/main.js by scripts/bundle.mjs: runs
// dist/bundle/gateway.cjs, compiled from V8's code cache when there is one for exactly that script
// and this Node.js.
//
// The cache is `DATA_DIR/code-cache/gateway-<16 hex>.v8cache`, named by the SHA-256 of the script
// and of this Node.js's version, platform, architecture and V8 version; it holds the SHA-256 of
// what follows, then V8's cached data. It is used only when the name and the hash match: V8
// itself checks only the source's length, its own version and flags, and in a release build of
// Node.js no checksum of the data, so a cache damaged on disk, or written by another build of the
// same V8, could crash the process at every start. When there was none, or V8 refused it, it is
// written just after the gateway listens (so it holds the code of the functions compiled by then,
// not only the script's top level), replacing the caches of other scripts. Whoever can write
// DATA_DIR can change the code this runs, as they can the gateway's signing key and database.
//
// With source maps on (node --enable-source-maps, as `npm start` runs it, or the same in
// NODE_OPTIONS), the script is loaded by Node's own loader instead, which maps stack traces to
// the sources; no cache then.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const script = fileURLToPath(new URL('./gateway.cjs', import.meta.url));
const require = createRequire(script);
// The script's dynamic imports, resolved from here as from the script (they share a folder).
globalThis[Symbol.for('probation-gateway.dynamic-import')] = (specifier) => import(specifier);

if (process.sourceMapsEnabled) {
  require(script);
} else {
  const bytes = readFileSync(script);
  const dir = path.join(path.resolve(process.env.DATA_DIR?.trim() || '.data'), 'code-cache');
  const runtime = [process.version, process.platform, process.arch, process.versions.v8].join(' ');
  const name = `gateway-${sha256(bytes, runtime).toString('hex').slice(0, 16)}.v8cache`;
  const cachedData = readCache(path.join(dir, name));
  const compiled = new vm.Script(Module.wrap(bytes.toString('utf8')), { filename: script, cachedData });
  if (!cachedData || compiled.cachedDataRejected) {
    // Emitted by src/main.ts once the gateway listens and handles its signals; written after the
    // current callbacks, before the process can exit on a stop.
    process.once('gateway:listening', () => setImmediate(() => writeCache(dir, name, compiled)));
  }
  const module = new Module(script);
  module.filename = script;
  compiled.runInThisContext().call(module.exports, module.exports, require, module, script, path.dirname(script));
}

function sha256(...parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** V8's data from a cache file whose hash holds, or undefined (none, unreadable, damaged). */
function readCache(file) {
  let data;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  const payload = data.subarray(32);
  return data.length > 32 && sha256(payload).equals(data.subarray(0, 32)) ? payload : undefined;
}

const CACHE_FILE = /^gateway-[0-9a-f]{16}\.v8cache$/;
const TEMPORARY_FILE = /^gateway-[0-9a-f]{16}\.v8cache\.[0-9a-f]+\.tmp$/;

function writeCache(dir, name, compiled) {
  const temporary = path.join(dir, `${name}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const payload = compiled.createCachedData();
    writeFileSync(temporary, Buffer.concat([sha256(payload), payload]), { mode: 0o600, flag: 'wx' });
    renameSync(temporary, path.join(dir, name));
    // Other scripts' caches, and what an earlier write left half done (not one under way now).
    for (const f of readdirSync(dir)) {
      const stale =
        (CACHE_FILE.test(f) && f !== name) || (TEMPORARY_FILE.test(f) && ageMs(path.join(dir, f)) > 600_000);
      if (stale) rmSync(path.join(dir, f), { force: true });
    }
  } catch (e) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Left for a later write's sweep.
    }
    // Only a slower next start: the gateway runs on.
    process.emitWarning(`code cache not written to ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function ageMs(file) {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
