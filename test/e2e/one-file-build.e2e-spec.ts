import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { getFreePort } from '../../bench/lib/spawn.js';
import { GatewayProcess } from '../resilience/support/gateway-process.js';
import { DemoSigner } from '../resilience/support/signer.js';
import { createTestDatabase } from '../setup/test-database.js';

const root = path.resolve(import.meta.dirname, '../..');
const BUNDLE = path.join(root, 'dist/bundle/main.js');

/**
 * The one-file build `npm start`, `npm run start:prod` and the container run (scripts/bundle.mjs): every module shares
 * the bundle's import.meta.url, so templates, static files and lazily imported modules are found
 * another way than in the per-file build the other tests run, and its entry point
 * (scripts/bundle-main.mjs) compiles the script from a V8 code cache under DATA_DIR. This runs
 * the bundle as a process, in demo mode, asks for something from each, and starts it again on
 * its cache, on a damaged cache and with source maps on.
 */
describe('the bundled gateway (dist/bundle/main.js)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let gw: GatewayProcess;
  let dataDir: string;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ['scripts/bundle.mjs'], { cwd: root });
    db = await createTestDatabase('bundle');
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-bundle-'));
    await start();
  }, 180_000);

  afterAll(async () => {
    await gw?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (p: string) => fetch(`${gw.baseUrl}${p}`, { redirect: 'manual' });
  const cacheDir = () => path.join(dataDir, 'code-cache');
  const cacheFiles = () => readdirSync(cacheDir());
  // The demo identity provider starts once the gateway listens (it needs the gateway's port), so a
  // loaded machine may answer the first sign-ins before it is registered.
  const idpRedirect = async () => {
    let res = await get('/sign-in/police-durham');
    for (const until = Date.now() + 30_000; res.status !== 303 && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 200));
      res = await get('/sign-in/police-durham');
    }
    return res;
  };
  // NODE_OPTIONS cleared: source maps given to the test run would turn the code cache off.
  const start = async (env: Record<string, string> = {}) => {
    gw = await GatewayProcess.start(db, {
      dataDir,
      script: BUNDLE,
      env: { DEMO_CASES: '5', DEMO_IDP_PORT: String(await getFreePort()), NODE_OPTIONS: '', ...env },
    });
  };

  it('renders the pages from their templates and serves their static files', async () => {
    for (const [p, text] of [
      ['/', 'Probation information-sharing gateway'],
      ['/sign-in', 'Sign in'],
    ]) {
      const res = await get(p);
      expect(`${p} ${res.status}`).toBe(`${p} 200`);
      expect(await res.text()).toContain(text);
    }
    for (const p of ['/assets/govuk/govuk-frontend.min.css', '/ig', '/ig/assets/console.css', '/docs']) {
      expect(`${p} ${(await get(p)).status}`).toBe(`${p} 200`);
    }
  });

  it('starts people on the way to the demo identity provider, loaded lazily from the bundle', async () => {
    const res = await idpRedirect();
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!).pathname).toMatch(/auth/);
  });

  it('answers a signed request as the per-file build does', async () => {
    const res = await get('/cases/X000001/summary');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    // A body checked by the DTO's class-validator decorators (class-validator and class-transformer
    // are loaded once, from node_modules, by the bundle and by Nest alike).
    const body = JSON.stringify({ managingOrg: 'nps-north-east', surname: 42 });
    const { token } = await new DemoSigner(dataDir).token(
      { org: 'nps-north-east', roles: ['system'] },
      'PUT',
      '/cases/X000001',
      body,
    );
    const put = await fetch(`${gw.baseUrl}/cases/X000001`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    expect(put.status).toBe(400);
    const problem = (await put.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field)).toContain('surname');
  });

  it('stops cleanly on SIGTERM', async () => {
    await expect(gw.stop()).resolves.toEqual({ code: 0, signal: null });
  });

  it('wrote its code cache once it listened, named by the script, and a later start uses it as it is', async () => {
    const files = cacheFiles();
    expect(files).toEqual([expect.stringMatching(/^gateway-[0-9a-f]{16}\.v8cache$/)]);
    const file = path.join(cacheDir(), files[0]);
    const before = statSync(file);
    expect(before.size).toBeGreaterThan(1_000_000);
    await start();
    expect((await get('/sign-in')).status).toBe(200);
    // Accepted by V8: not written again.
    const after = statSync(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(cacheFiles()).toEqual(files);
    await gw.stop();
  }, 120_000);

  it('starts on a damaged cache, or on V8 data of another script, and writes its own in their place', async () => {
    const [name] = cacheFiles();
    const file = path.join(cacheDir(), name);
    const valid = (data: Buffer) =>
      createHash('sha256').update(data.subarray(32)).digest().equals(data.subarray(0, 32));
    const good = readFileSync(file);
    expect(valid(good)).toBe(true);
    // Bytes changed in the middle of V8's data, its length and header intact: V8 would take it
    // (a release Node.js checks no checksum) and crash; the entry's own hash refuses it.
    const damaged = Buffer.from(good);
    for (let i = damaged.length >> 1; i < (damaged.length >> 1) + 4096; i++) damaged[i] ^= 0xff;
    // A hash that holds over V8's data for another source: V8 refuses it.
    const other = new vm.Script('"another script"').createCachedData();
    const cases: [string, Buffer][] = [
      ['damaged', damaged],
      ['another script', Buffer.concat([createHash('sha256').update(other).digest(), other])],
    ];
    for (const [what, data] of cases) {
      writeFileSync(file, data);
      // Another script's cache, and temporary files: one an earlier write left an hour ago
      // (removed), one that may be another process's write under way (kept).
      writeFileSync(path.join(cacheDir(), 'gateway-0123456789abcdef.v8cache'), data);
      const leftOver = path.join(cacheDir(), `${name}.0a0b0c0d0e0f.tmp`);
      const underWay = path.join(cacheDir(), `${name}.0f0e0d0c0b0a.tmp`);
      writeFileSync(leftOver, 'x');
      utimesSync(leftOver, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
      writeFileSync(underWay, 'x');
      await start();
      expect(`${what}: ${(await get('/sign-in')).status}`).toBe(`${what}: 200`);
      await gw.stop();
      const written = readFileSync(file);
      expect(`${what}: ${valid(written)} ${written.length > 1_000_000}`).toBe(`${what}: true true`);
      expect(cacheFiles().sort()).toEqual([name, path.basename(underWay)].sort());
      rmSync(underWay);
    }
  }, 120_000);

  it("with source maps on, runs the script through Node's own loader and writes no cache", async () => {
    rmSync(cacheDir(), { recursive: true, force: true });
    // Its log at info level: what its stop did, should it not end cleanly.
    await start({ NODE_OPTIONS: '--enable-source-maps', LOG_LEVEL: 'info' });
    expect((await get('/sign-in')).status).toBe(200);
    expect((await get('/assets/govuk/govuk-frontend.min.css')).status).toBe(200);
    expect(existsSync(cacheDir())).toBe(false);
    // Stopped once the demo identity provider is up, as the first gateway was (not in the middle
    // of its start, which this slower start makes longer).
    expect((await idpRedirect()).status).toBe(303);
    const ended = await gw.stop();
    const clean = ended?.code === 0 && ended.signal === null;
    expect({ ended, log: clean ? '' : gw.output().slice(-4000) }).toEqual({
      ended: { code: 0, signal: null },
      log: '',
    });
  }, 120_000);
});
