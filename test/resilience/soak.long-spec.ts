import { readdir, readFile } from 'node:fs/promises';
import { checkConsistency } from './support/consistency.js';
import { GatewayProcess } from './support/gateway-process.js';
import { send } from './support/http.js';
import { report, sleep } from './support/mode.js';
import { DedicatedPostgres } from './support/postgres.js';
import { DemoSigner } from './support/signer.js';
import { loadDemoData, MixedLoad, statusCounts } from './support/workload.js';

// Long form only (npm run test:resilience): the file name is outside npm test's testMatch.
const SOAK_MS = Number(process.env.RESILIENCE_SOAK_MS ?? 30 * 60_000);
const SAMPLE_MS = 30_000;

interface Sample {
  atS: number;
  rssMb: number;
  heapUsedMb: number;
  activeHandles: number;
  openFds: number;
  served: number;
}

const metric = (text: string, name: string) =>
  Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);

/**
 * Soak: 30 minutes of mixed load (signed summary reads and exchange requests) on one gateway
 * process, sampling its memory and open handles every 30 s, then the full consistency check.
 */
describe('Soak (long form)', () => {
  let pg: DedicatedPostgres;
  let gw: GatewayProcess;
  let signer: DemoSigner;

  beforeAll(async () => {
    pg = await DedicatedPostgres.start();
    const dataDir = pg.dataDir('data');
    gw = await GatewayProcess.start(pg, { dataDir, env: { DB_POOL_SIZE: '8' } });
    signer = new DemoSigner(dataDir);
  }, 180_000);

  afterAll(async () => {
    await gw?.stop();
    await pg?.destroy();
  }, 60_000);

  async function sample(t0: number, load: MixedLoad): Promise<Sample> {
    const status = await readFile(`/proc/${gw.pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
    const openFds = (await readdir(`/proc/${gw.pid}/fd`)).length;
    const { token } = await signer.token(
      { org: 'gateway', roles: ['gateway-admin'], sub: 'user:soak' },
      'GET',
      '/metrics',
    );
    const m = await send(gw.baseUrl, 'GET', '/metrics', { token });
    return {
      atS: Math.round((Date.now() - t0) / 1000),
      rssMb: Math.round(rssKb / 102.4) / 10,
      heapUsedMb: Math.round(metric(m.text, 'gateway_nodejs_heap_size_used_bytes') / 104857.6) / 10,
      activeHandles: metric(m.text, 'gateway_nodejs_active_handles_total'),
      openFds,
      served: load.count((o) => o.status >= 200 && o.status < 300),
    };
  }

  it(
    `${SOAK_MS / 60_000} minutes of mixed load: memory and handles sampled, log consistent`,
    async () => {
      const data = await loadDemoData(pg);
      const load = new MixedLoad(signer, () => [gw.baseUrl], data, 8);
      const t0 = Date.now();
      const samples: Sample[] = [];
      try {
        while (Date.now() - t0 < SOAK_MS) {
          await sleep(Math.min(SAMPLE_MS, SOAK_MS - (Date.now() - t0)));
          samples.push(await sample(t0, load));
        }
      } finally {
        await load.stop();
      }
      const c = await checkConsistency(pg, load.outcomes);
      // Growth from the first sample after warm-up (the second) to the last.
      const first = samples[Math.min(1, samples.length - 1)];
      const last = samples[samples.length - 1];
      const counts = statusCounts(load.outcomes);
      report('soak', {
        minutes: SOAK_MS / 60_000,
        requests: load.outcomes.length,
        statuses: counts,
        consistency: c,
        growth: {
          rssMb: +(last.rssMb - first.rssMb).toFixed(1),
          heapUsedMb: +(last.heapUsedMb - first.heapUsedMb).toFixed(1),
          activeHandles: last.activeHandles - first.activeHandles,
          openFds: last.openFds - first.openFds,
        },
        first,
        last,
        samples,
      });
      expect(Object.keys(counts).filter((k) => k !== '200' && k !== '201')).toEqual([]);
      expect(gw.alive).toBe(true);
    },
    SOAK_MS + 600_000,
  );
});
