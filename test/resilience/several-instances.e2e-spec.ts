import { exportJWK, generateKeyPair } from 'jose';
import { checkConsistency } from './support/consistency.js';
import { GatewayProcess } from './support/gateway-process.js';
import { send } from './support/http.js';
import { eventually, report, scale, sleep } from './support/mode.js';
import { DedicatedPostgres } from './support/postgres.js';
import { DemoSigner, type Actor } from './support/signer.js';
import {
  IOM_AGREEMENT_ID,
  IOM_OFFICER,
  loadDemoData,
  MixedLoad,
  statusCounts,
  type DemoData,
} from './support/workload.js';

/** The documented bound of a key revocation on other instances (KEY_CACHE_TTL_MS, default 5 s). */
const KEY_CACHE_TTL_MS = 5000;
const LOAD_MS = scale(6000, 60_000);
const REPLAYS = scale(20, 200);

/**
 * Three gateway processes on one PostgreSQL: one log, one replay store, one set of keys and
 * agreements. Concurrent load through all three keeps the log one gap-free verifiable tree; a
 * token is accepted once across all of them; a key rotation and an agreement suspension made
 * through one hold on the others within the documented bound.
 */
describe('Several instances (three gateway processes, one PostgreSQL)', () => {
  let pg: DedicatedPostgres;
  const gws: GatewayProcess[] = [];
  let signer: DemoSigner;
  let data: DemoData;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    pg = await DedicatedPostgres.start();
    const dataDir = pg.dataDir('data');
    // The first seeds the demo data set; the others find it (same DATA_DIR, so the same keys).
    gws.push(await GatewayProcess.start(pg, { dataDir, name: 'gateway-a', env: { DB_POOL_SIZE: '6' } }));
    gws.push(
      ...(await Promise.all(
        ['b', 'c'].map((n) => GatewayProcess.start(pg, { dataDir, name: `gateway-${n}`, env: { DB_POOL_SIZE: '6' } })),
      )),
    );
    signer = new DemoSigner(dataDir);
    data = await loadDemoData(pg);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(gws.map((g) => g.stop()));
    await pg?.destroy();
    report('several-instances', figures);
  }, 60_000);

  it('concurrent load through all three keeps one gap-free, verifiable log with an entry for every 2xx', async () => {
    const load = new MixedLoad(signer, () => gws.map((g) => g.baseUrl), data, 9);
    await sleep(LOAD_MS);
    await load.stop();
    const c = await checkConsistency(pg, load.outcomes);
    const counts = statusCounts(load.outcomes);
    const perInstance = Object.fromEntries(
      gws.map((g) => [
        g.baseUrl.split(':')[2],
        load.count((o) => o.target === g.baseUrl && o.status >= 200 && o.status < 300),
      ]),
    );
    figures.load = { ...c, statuses: counts, servedPerInstance: perInstance };
    expect(Object.keys(counts).filter((k) => k !== '200' && k !== '201')).toEqual([]);
    for (const n of Object.values(perInstance)) expect(n).toBeGreaterThan(10);
  }, 120_000);

  it(`one token sent to all three at once is accepted exactly once (${REPLAYS} tokens)`, async () => {
    const accepted: number[] = [];
    for (let i = 0; i < REPLAYS; i++) {
      const c = data.iomCrns[i % data.iomCrns.length];
      const p = `/cases/${c.crn}/summary?purpose=IOM`;
      const { token } = await signer.token(IOM_OFFICER, 'GET', p);
      const rs = await Promise.all(gws.map((g) => send(g.baseUrl, 'GET', p, { token })));
      accepted.push(rs.filter((r) => r.status === 200).length);
      for (const r of rs) expect([200, 401]).toContain(r.status);
    }
    figures.replay = { tokens: REPLAYS, acceptedOnce: accepted.filter((n) => n === 1).length };
    expect(accepted.filter((n) => n !== 1)).toEqual([]);
  }, 120_000);

  it(`a key rotation through A is refused on B and C within KEY_CACHE_TTL_MS (${KEY_CACHE_TTL_MS} ms) + 1 s`, async () => {
    const org = 'police-northumbria';
    const system: Actor = { org, roles: ['system'], sub: 'system:northumbria-rms' };
    const get = async (g: GatewayProcess) =>
      send(g.baseUrl, 'GET', '/organisations', { token: (await signer.token(system, 'GET', '/organisations')).token });
    // B and C have the old key in their caches.
    for (const g of gws) expect((await get(g)).status).toBe(200);

    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `${org}-rotated`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    const body = JSON.stringify({ keys: [jwk] });
    const put = await send(gws[0].baseUrl, 'PUT', `/organisations/${org}/keys`, {
      token: (await signer.token(system, 'PUT', `/organisations/${org}/keys`, body)).token,
      body,
    });
    expect(put.status).toBe(200);
    const rotatedAt = performance.now();
    // A refuses the old key at once; B and C within the bound.
    expect((await get(gws[0])).status).toBe(401);
    // Measured at the start of the first refused request, so a slow answer on a busy machine
    // does not count against the gateway.
    const elapsed = await Promise.all(
      gws.slice(1).map(async (g) => {
        let startedAt = 0;
        await eventually(
          `${g.baseUrl} refuses the revoked key`,
          async () => {
            startedAt = performance.now();
            return (await get(g)).status === 401;
          },
          KEY_CACHE_TTL_MS + 5000,
          100,
        );
        return startedAt - rotatedAt;
      }),
    );
    // The new key works everywhere.
    signer.use(org, { kid, alg: 'ES256', key: privateKey });
    for (const g of gws) expect((await get(g)).status).toBe(200);
    figures.keyRotation = { refusedAfterMs: elapsed.map(Math.round), boundMs: KEY_CACHE_TTL_MS + 1000 };
    for (const ms of elapsed) expect(ms).toBeLessThanOrEqual(KEY_CACHE_TTL_MS + 1000);
  }, 60_000);

  it('an agreement suspension through A stops release on B and C on their next request', async () => {
    const c = data.iomCrns[0];
    const p = `/cases/${c.crn}/summary?purpose=IOM`;
    const read = async (g: GatewayProcess) =>
      send(g.baseUrl, 'GET', p, { token: (await signer.token(IOM_OFFICER, 'GET', p)).token });
    for (const g of gws) expect((await read(g)).status).toBe(200);

    const signatory: Actor = { org: 'nps-north-east', roles: ['dsa-signatory'], sub: 'user:nps-ig-lead' };
    const body = JSON.stringify({ reason: 'Resilience test: suspension must hold on every instance' });
    const suspendPath = `/agreements/${IOM_AGREEMENT_ID}/suspend`;
    const r = await send(gws[0].baseUrl, 'POST', suspendPath, {
      token: (await signer.token(signatory, 'POST', suspendPath, body)).token,
      body,
    });
    expect(r.status).toBeLessThan(300);
    const after = await Promise.all(gws.map((g) => read(g)));
    figures.suspension = { statusesOnNextRequest: after.map((x) => x.status) };
    for (const x of after) {
      // No agreement covers the read any more: the case is "not found" to the police.
      expect(x.status).toBe(404);
      expect(x.text).not.toMatch(/"rosh"|"scores"/);
    }

    const resumePath = `/agreements/${IOM_AGREEMENT_ID}/resume`;
    const resumed = await send(gws[0].baseUrl, 'POST', resumePath, {
      token: (await signer.token(signatory, 'POST', resumePath, body)).token,
      body,
    });
    expect(resumed.status).toBeLessThan(300);
    for (const g of gws) expect((await read(g)).status).toBe(200);
  }, 60_000);
});
