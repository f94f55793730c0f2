// The one-file gateway's entry point, copied to dist/bundle/main.js by scripts/bundle.mjs: runs
// dist/bundle/gateway.cjs, compiled from V8's code cache when there is one for exactly that file.
//
// The cache is `DATA_DIR/code-cache/gateway-<sha256 of the script, 16 hex>.v8cache`: the SHA-256
// of what follows, then V8's cached data. It is written once the gateway listens (so it holds the
// code of every function the start ran, not only the script's top level) when there was none or
// it was not used, replacing the caches of other scripts. It is used only when both hashes match:
// V8 itself checks only the source's length, and in a release build of Node.js no checksum of the
// data, so a cache damaged on disk would crash the process at every start. V8 then refuses one
// of another Node.js or with other V8 flags. Whoever can write DATA_DIR can change the code this
// runs, as they can the gateway's signing key and database already.
//
// With source maps on (NODE_OPTIONS=--enable-source-maps, as `npm start` sets), the script is
// loaded by Node's own loader instead, which maps stack traces to the sources; no cache then.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
  const name = `gateway-${sha256(bytes).toString('hex').slice(0, 16)}.v8cache`;
  const cachedData = readCache(path.join(dir, name));
  const compiled = new vm.Script(Module.wrap(bytes.toString('utf8')), { filename: script, cachedData });
  if (!cachedData || compiled.cachedDataRejected) {
    process.once('gateway:listening', () => writeCache(dir, name, compiled));
  }
  const module = new Module(script);
  module.filename = script;
  compiled.runInThisContext().call(module.exports, module.exports, require, module, script, path.dirname(script));
}

function sha256(data) {
  return createHash('sha256').update(data).digest();
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

function writeCache(dir, name, compiled) {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const payload = compiled.createCachedData();
    const temporary = path.join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(temporary, Buffer.concat([sha256(payload), payload]), { mode: 0o600 });
    renameSync(temporary, path.join(dir, name));
    for (const old of readdirSync(dir)) {
      if (old !== name && /^gateway-[0-9a-f]{16}\.v8cache$/.test(old)) rmSync(path.join(dir, old), { force: true });
    }
  } catch (e) {
    // Only a slower next start: the gateway runs on.
    process.emitWarning(`code cache not written to ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
