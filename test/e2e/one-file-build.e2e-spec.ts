import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getFreePort } from '../../bench/lib/spawn.js';
import { GatewayProcess } from '../resilience/support/gateway-process.js';
import { createTestDatabase } from '../setup/test-database.js';

const root = path.resolve(import.meta.dirname, '../..');
const BUNDLE = path.join(root, 'dist/bundle/main.js');

/**
 * The one-file build `npm start` and the container run (scripts/bundle.mjs): every module shares
 * the bundle's import.meta.url, so templates, static files and lazily imported modules are found
 * another way than in the per-file build the other tests run. This runs the bundle as a process,
 * in demo mode, and asks for something from each.
 */
describe('the bundled gateway (dist/bundle/main.js)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let gw: GatewayProcess;
  let dataDir: string;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ['scripts/bundle.mjs'], { cwd: root });
    db = await createTestDatabase('bundle');
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-bundle-'));
    gw = await GatewayProcess.start(db, {
      dataDir,
      script: BUNDLE,
      env: { DEMO_CASES: '5', DEMO_IDP_PORT: String(await getFreePort()) },
    });
  }, 180_000);

  afterAll(async () => {
    await gw?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (p: string) => fetch(`${gw.baseUrl}${p}`, { redirect: 'manual' });

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
    // The demo identity provider starts once the gateway listens (it needs the gateway's port),
    // so a loaded machine may answer the first sign-ins before it is registered.
    let res = await get('/sign-in/police-durham');
    for (const until = Date.now() + 30_000; res.status !== 303 && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 200));
      res = await get('/sign-in/police-durham');
    }
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!).pathname).toMatch(/auth/);
  });

  it('answers a signed request as the per-file build does', async () => {
    const res = await get('/cases/X000001/summary');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('stops cleanly on SIGTERM', async () => {
    await expect(gw.stop()).resolves.toEqual({ code: 0, signal: null });
  });
});
