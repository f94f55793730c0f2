import { getFreePort } from '../../bench/lib/spawn.js';
import { checkConsistency } from './support/consistency.js';
import { GatewayProcess } from './support/gateway-process.js';
import { eventually, report, scale, sleep } from './support/mode.js';
import { DedicatedPostgres } from './support/postgres.js';
import { DemoSigner } from './support/signer.js';
import { loadDemoData, MixedLoad, statusCounts, type DemoData } from './support/workload.js';

const LOAD_MS = scale(4000, 30_000);
const RETRY_MS = 200;

interface Instance {
  gw: GatewayProcess;
  metricsPort: number;
}

/** This instance's access-log figures from its /metrics listener. */
async function logMetrics(i: Instance): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${i.metricsPort}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(
    /^gateway_access_log_(integrator_leader|rebuilt_batches_total|queued_for_leader_total|integrated_from_queue_total) (\S+)$/gm,
  ))
    out[m[1]] = Number(m[2]);
  return out;
}

/**
 * Three gateway processes on one PostgreSQL with the shared access-log integrator
 * (LOG_INTEGRATOR=shared, the default): exactly one leads, the others queue their entries for
 * it and never rebuild a batch under the head lock; when the leader is killed under load,
 * another takes over, integrates what was queued, and every acknowledged entry verifies.
 */
describe('Shared access-log integrator (three gateway processes, one PostgreSQL)', () => {
  let pg: DedicatedPostgres;
  const instances: Instance[] = [];
  let signer: DemoSigner;
  let data: DemoData;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    pg = await DedicatedPostgres.start();
    const dataDir = pg.dataDir('data');
    const start = async (name: string): Promise<Instance> => {
      const metricsPort = await getFreePort();
      const gw = await GatewayProcess.start(pg, {
        dataDir,
        name,
        env: { DB_POOL_SIZE: '6', METRICS_PORT: String(metricsPort), LOG_INTEGRATOR_RETRY_MS: String(RETRY_MS) },
      });
      return { gw, metricsPort };
    };
    // The first seeds the demo data set; the others find it.
    instances.push(await start('gateway-a'));
    instances.push(...(await Promise.all(['b', 'c'].map((n) => start(`gateway-${n}`)))));
    signer = new DemoSigner(dataDir);
    data = await loadDemoData(pg);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.gw.stop()));
    await pg?.destroy();
    report('shared-integrator', figures);
  }, 60_000);

  it('one leader integrates for all; killed under load, another takes over and every acknowledged entry verifies', async () => {
    const live = new Set(instances);
    const leaders = async () => {
      const ms = await Promise.all([...live].map(async (i) => ({ i, m: await logMetrics(i) })));
      return ms.filter((x) => x.m.integrator_leader === 1).map((x) => x.i);
    };
    const load = new MixedLoad(signer, () => [...live].map((i) => i.gw.baseUrl), data, 9, 0.15, 0.2);
    await sleep(LOAD_MS);

    // Exactly one leads; the followers queued their entries and never rebuilt a batch.
    const before = await Promise.all(instances.map(logMetrics));
    const [leader] = await leaders();
    expect(await leaders()).toHaveLength(1);
    const followers = instances.filter((i) => i !== leader);
    for (const f of followers) {
      const m = before[instances.indexOf(f)];
      expect(m.rebuilt_batches_total).toBe(0);
      expect(m.queued_for_leader_total).toBeGreaterThan(0);
    }
    expect(before[instances.indexOf(leader)].integrated_from_queue_total).toBeGreaterThan(0);

    // The leader dies (no shutdown hook): its session and so its lock go with it.
    live.delete(leader);
    const killedAt = performance.now();
    await leader.gw.kill();
    let takeoverMs = 0;
    await eventually(
      'another instance leads',
      async () => {
        takeoverMs = performance.now() - killedAt;
        return (await leaders()).length === 1;
      },
      15_000,
      50,
    );
    await sleep(LOAD_MS);
    await load.stop();
    expect(await leaders()).toHaveLength(1);

    const c = await checkConsistency(pg, load.outcomes);
    // Only requests cut by the kill may have failed; every other answer was a 2xx.
    const counts = statusCounts(load.outcomes.filter((o) => o.target !== leader.gw.baseUrl));
    figures.load = { ...c, statuses: counts, takeoverMs: Math.round(takeoverMs), before };
    expect(Object.keys(counts).filter((k) => !['200', '201'].includes(k))).toEqual([]);
    // Nothing stays queued once the new leader has caught up.
    await eventually(
      'the queue is empty',
      async () => (await pg.sql<{ n: number }>(`SELECT count(*)::int AS n FROM access_log_queue`))[0].n === 0,
      15_000,
    );
    expect(takeoverMs).toBeLessThan(5000);
  }, 180_000);
});
