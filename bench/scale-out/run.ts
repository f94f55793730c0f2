// Scale-out benchmark: summary reads against 1, 2 and 4 gateway instances on one PostgreSQL,
// with the shared access-log integrator (LOG_INTEGRATOR=shared: one instance integrates every
// instance's entries) and, beside it in the same run on the same data, the earlier design
// (LOG_INTEGRATOR=each: every instance appends to the head itself, rebuilding its batch under
// the head row's lock whenever another instance appended meanwhile).
//
// The clients (same total concurrency for every run) are split evenly between the instances.
// Besides reads/s and p99 it reports how often batches were rebuilt under the head lock per
// 1,000 entries (each instance's gateway_access_log_rebuilt_batches_total, from its /metrics
// listener): the count that shows whether instances serialise on the log head. On a machine
// with fewer cores than instances the reads/s ratio is capped by the cores, not the design.
//
//   npm run build && node dist/bench/scale-out/run.js [--instances 4] [--cases 20000] [--concurrency 64] [--duration 10000] [--warmup 2000] [--json file]
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDataSource } from '../../src/data-source.js';
import { analyseCaseTables, bulkInsertCases, progressBar } from '../../src/demo/synthetic/index.js';
import { pgCtl } from '../../src/shared/database/embedded-postgres.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { getFreePort, startNodeScript, type StartedProcess } from '../lib/spawn.js';
import { waitForQuiet } from '../lib/system.js';
import { printTable, type ResultRow } from '../lib/table.js';
import {
  IOM_READER,
  loadDemoKey,
  omReader,
  planReads,
  presign,
  TokenPool,
  type SigningKey,
} from '../summary-read/requests.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const AUD = 'probation-gateway';
const log = (m: string) => process.stderr.write(`${m}\n`);

type Design = 'shared' | 'each';

function parse(argv: string[]) {
  const s = {
    instances: 4,
    cases: 20_000,
    concurrency: 64,
    durationMs: 10_000,
    warmupMs: 2000,
    json: false as boolean | string,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--instances') s.instances = Number(argv[++i]);
    else if (a === '--cases') s.cases = Number(argv[++i]);
    else if (a === '--concurrency') s.concurrency = Number(argv[++i]);
    else if (a === '--duration') s.durationMs = Number(argv[++i]);
    else if (a === '--warmup') s.warmupMs = Number(argv[++i]);
    else if (a === '--json') s.json = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(s.instances) || s.instances < 1) throw new Error('--instances must be a positive integer');
  return s;
}

/** 1, 2, 4, ... up to `max`, and `max` itself. */
function counts(max: number): number[] {
  const out: number[] = [];
  for (let n = 1; n < max; n *= 2) out.push(n);
  out.push(max);
  return out;
}

interface Gateway {
  proc: StartedProcess;
  baseUrl: string;
  metricsUrl: string;
}

async function gateway(name: string, dataDir: string, env: Record<string, string | undefined>): Promise<Gateway> {
  const port = await getFreePort();
  const metricsPort = await getFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const proc = await startNodeScript({
    script: path.join(root, 'dist/src/main.js'),
    cwd: root,
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      HOST: '127.0.0.1',
      DEMO: 'true',
      DEMO_CASES: '0',
      LOG_LEVEL: 'warn',
      GATEWAY_ID: AUD,
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '1000000',
      NODE_ENV: 'production',
      ...env,
    },
    readyUrl: `${baseUrl}/health`,
    readyTimeoutMs: 180_000,
    pollIntervalMs: 250,
    name,
  });
  return { proc, baseUrl, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

async function rebuilt(g: Gateway): Promise<number> {
  const text = await (await fetch(g.metricsUrl)).text();
  const m = /^gateway_access_log_rebuilt_batches_total (\S+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/** Sum of rates; latency percentiles of the combined run approximated by the worst instance. */
function combine(rs: LoadResult[]): { rps: number; p50: number; p99: number; errors: number } {
  return {
    rps: rs.reduce((a, r) => a + r.rps, 0),
    p50: Math.max(...rs.map((r) => r.p50Ms)),
    p99: Math.max(...rs.map((r) => r.p99Ms)),
    errors: rs.reduce((a, r) => a + r.errors, 0),
  };
}

interface Run {
  design: Design;
  instances: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  entries: number;
  rebuilt: number;
  busy: string;
}

async function main(): Promise<void> {
  const s = parse(process.argv.slice(2));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gw-bench-scale-'));
  await chmod(dataDir, 0o755);
  const pgPort = await getFreePort();
  const started = new Set<StartedProcess>();
  try {
    // The seeding gateway starts the embedded PostgreSQL (detached, so it outlives the gateway:
    // the gateway is killed, the server left to the measured instances) and the demo data set.
    log('starting the seeding gateway (embedded PostgreSQL)');
    const seed = await gateway('gateway-seed', dataDir, {
      EMBEDDED_PG_PORT: String(pgPort),
      DATABASE_URL: undefined,
      MIGRATION_DATABASE_URL: undefined,
    });
    started.add(seed.proc);
    const creds = JSON.parse(await readFile(path.join(dataDir, 'postgres', 'credentials.json'), 'utf8')) as {
      superuserPassword: string;
      appPassword: string;
    };
    const ownerUrl = `postgres://postgres:${encodeURIComponent(creds.superuserPassword)}@127.0.0.1:${pgPort}/postgres`;
    const appUrl = `postgres://gateway:${encodeURIComponent(creds.appPassword)}@127.0.0.1:${pgPort}/postgres`;
    const ds = createDataSource(ownerUrl, { poolSize: 3, name: 'bench-scale-out' });
    await ds.initialize();
    const bar = progressBar('cases', s.cases);
    await bulkInsertCases(ds, { seed: 42, count: s.cases, onProgress: (d) => bar.update(d) });
    bar.finish();
    await analyseCaseTables(ds);
    const iomCrns = (
      await ds.query<{ crn: string }[]>(
        `SELECT crn FROM cases WHERE iom_cohort AND iom_force = 'cleveland' AND NOT restricted AND managing_org IN ('nps-north-east', 'crc-durham-tees-valley') ORDER BY crn`,
      )
    ).map((r) => r.crn);
    const omCases = await ds.query<{ crn: string; managingOrg: string }[]>(
      `SELECT crn, managing_org AS "managingOrg" FROM cases WHERE managing_org IN ('nps-north-east', 'crc-durham-tees-valley', 'crc-northumbria') ORDER BY crn`,
    );
    seed.proc.child.kill('SIGKILL');
    await new Promise((r) => (seed.proc.exited ? r(undefined) : seed.proc.child.once('exit', r)));
    started.delete(seed.proc);

    const managing = [...new Set(omCases.map((c) => c.managingOrg))].sort();
    const keys = new Map<string, SigningKey>();
    for (const org of [IOM_READER.org, ...managing]) keys.set(org, await loadDemoKey(dataDir, org));
    const omReaders = new Map(managing.map((o) => [o, omReader(o)]));
    const ns = counts(s.instances);
    const designs: Design[] = ['shared', 'each'];
    const count = Math.ceil(((s.warmupMs + s.durationMs) / 1000) * 3000) * ns.length * designs.length;
    const reads = planReads({
      count,
      seed: 7,
      iom: { reader: IOM_READER, crns: iomCrns },
      om: { readers: omReaders, cases: omCases },
      omShare: 0.2,
    });
    log(`signing ${count} tokens`);
    const pool = new TokenPool(await presign(reads, keys, AUD), reads, keys, AUD);
    const headSize = async () =>
      Number((await ds.query<{ size: string }[]>(`SELECT size FROM access_log_head WHERE id = 1`))[0].size);

    const runs: Run[] = [];
    for (const n of ns) {
      for (const design of designs) {
        log(`${design}: ${n} instance(s), ${s.concurrency} clients in all`);
        const gws: Gateway[] = [];
        try {
          for (let i = 0; i < n; i++) {
            const g = await gateway(`gateway-${design}-${i}`, dataDir, {
              DATABASE_URL: appUrl,
              MIGRATION_DATABASE_URL: ownerUrl,
              LOG_INTEGRATOR: design,
            });
            gws.push(g);
            started.add(g.proc);
          }
          const q = await waitForQuiet({ pids: gws.map((g) => g.proc.pid), maxForeignPercent: 25, timeoutMs: 60_000 });
          const rebuiltBefore = (await Promise.all(gws.map(rebuilt))).reduce((a, b) => a + b, 0);
          const sizeBefore = await headSize();
          const results = await Promise.all(
            gws.map((g, i) =>
              runLoad({
                baseUrl: g.baseUrl,
                concurrency: Math.floor(s.concurrency / n) + (i < s.concurrency % n ? 1 : 0),
                durationMs: s.durationMs,
                warmupMs: s.warmupMs,
                makeRequest: pool.take,
                expectStatus: (st) => st === 200,
                maxErrors: 1_000_000,
              }),
            ),
          );
          const entries = (await headSize()) - sizeBefore;
          const rebuiltAfter = (await Promise.all(gws.map(rebuilt))).reduce((a, b) => a + b, 0);
          runs.push({
            design,
            instances: n,
            ...combine(results),
            entries,
            rebuilt: rebuiltAfter - rebuiltBefore,
            busy: q.quiet ? '' : `; BUSY machine: others used ${Math.round(q.foreignPercent)}% of a core`,
          });
        } finally {
          for (const g of gws) {
            await g.proc.stop(30_000);
            started.delete(g.proc);
          }
        }
      }
    }
    await ds.destroy();

    const find = (design: Design, n: number) => runs.find((r) => r.design === design && r.instances === n)!;
    const perThousand = (r: Run) => (r.entries ? Math.round((r.rebuilt / r.entries) * 1000 * 10) / 10 : 0);
    const rows: ResultRow[] = [];
    for (const n of ns) {
      const now = find('shared', n);
      const before = find('each', n);
      rows.push({
        name: `summary reads, ${n} instance${n > 1 ? 's' : ''}`,
        figure: Math.round(now.rps),
        unit: 'reads/s',
        baseline: Math.round(before.rps),
        note: `baseline = LOG_INTEGRATOR=each, same run; errors ${now.errors}/${before.errors}${now.busy}`,
      });
      rows.push({
        name: `summary reads, ${n} instance${n > 1 ? 's' : ''} p99`,
        figure: now.p99,
        unit: 'ms',
        target: 50,
        better: 'lower',
        baseline: before.p99,
        note: `worst instance; p50 ${now.p50.toFixed(1)} ms (before ${before.p50.toFixed(1)} ms)`,
      });
      if (n > 1) {
        rows.push({
          name: `${n} instances / 1 instance`,
          figure: Math.round((now.rps / find('shared', 1).rps) * 100) / 100,
          unit: 'x',
          target: n === 4 ? 3.5 : undefined,
          baseline: Math.round((before.rps / find('each', 1).rps) * 100) / 100,
          note: `${os.cpus().length} cores here: the ratio cannot exceed what the cores allow`,
        });
      }
      rows.push({
        name: `head-lock rebuilds per 1,000 entries, ${n} instance${n > 1 ? 's' : ''}`,
        figure: perThousand(now),
        unit: '/1000',
        better: 'lower',
        baseline: perThousand(before),
        note: `batches rebuilt under the head row lock: ${now.rebuilt} of ${now.entries} entries (before ${before.rebuilt} of ${before.entries})`,
      });
    }
    await printTable(rows, {
      title: `Summary reads over ${s.cases.toLocaleString('en-GB')} cases: 1 to ${s.instances} gateway instances on one PostgreSQL, shared integrator vs each instance appending`,
      json: s.json,
      meta: { settings: s, runs },
    });
  } finally {
    for (const p of started) await p.stop(30_000);
    await pgCtl(path.join(dataDir, 'postgres'), 'stop').catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`scale-out benchmark failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
