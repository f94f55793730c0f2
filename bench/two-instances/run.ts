// The summary-read benchmark against two gateway instances on one PostgreSQL: gateway A runs the
// embedded PostgreSQL (DEMO=true, organisations, keys, agreements), gateway B uses it through
// DATABASE_URL with the same DATA_DIR; `--cases` synthetic cases are bulk-loaded. The clients are
// split evenly between the two instances (same total concurrency). Baseline, same run, same data:
// gateway A alone with all the clients. On a 2-core machine a second instance adds no CPU, so the
// figure shows the cost of sharing (one log head lock across instances), not scaling.
//
//   npm run build && node dist/bench/two-instances/run.js [--cases 100000] [--concurrency 64] [--duration 15000] [--warmup 3000] [--json file]
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDataSource } from '../../src/data-source.js';
import { analyseCaseTables, bulkInsertCases, progressBar } from '../../src/demo/synthetic/index.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { getFreePort, startNodeScript, type StartedProcess } from '../lib/spawn.js';
import { waitForQuiet } from '../lib/system.js';
import { printTable, type ResultRow } from '../lib/table.js';
import { loadDemoKey, planReads, presign, TokenPool, type Reader, type SigningKey } from '../summary-read/requests.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const AUD = 'probation-gateway';
const log = (m: string) => process.stderr.write(`${m}\n`);
const IOM_READER: Reader = {
  org: 'police-cleveland',
  roles: ['iom-officer'],
  attrs: { force: 'cleveland' },
  reason: 'IOM tasking: weekly review of cohort',
  purpose: 'IOM',
  subPrefix: 'cleveland-iom',
  people: 200,
};
const omReader = (org: string): Reader => ({
  org,
  roles: ['offender-manager'],
  reason: 'Supervision: risk review before appointment',
  purpose: 'RISK_MANAGEMENT',
  subPrefix: `${org}-om`,
  people: 300,
});

function parse(argv: string[]) {
  const s = { cases: 100_000, concurrency: 64, durationMs: 15_000, warmupMs: 3000, json: false as boolean | string };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--cases') s.cases = Number(argv[++i]);
    else if (a === '--concurrency') s.concurrency = Number(argv[++i]);
    else if (a === '--duration') s.durationMs = Number(argv[++i]);
    else if (a === '--warmup') s.warmupMs = Number(argv[++i]);
    else if (a === '--json') s.json = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
    else throw new Error(`unknown argument ${a}`);
  }
  return s;
}

async function gateway(
  name: string,
  dataDir: string,
  env: Record<string, string | undefined>,
): Promise<{ gw: StartedProcess; baseUrl: string }> {
  const port = await getFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const gw = await startNodeScript({
    script: path.join(root, 'dist/src/main.js'),
    cwd: root,
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
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
  return { gw, baseUrl };
}

/** Sum of rates; latency percentiles of the combined run approximated by the worse instance. */
function combine(rs: LoadResult[]): { rps: number; p50: number; p99: number; errors: number } {
  return {
    rps: rs.reduce((a, r) => a + r.rps, 0),
    p50: Math.max(...rs.map((r) => r.p50Ms)),
    p99: Math.max(...rs.map((r) => r.p99Ms)),
    errors: rs.reduce((a, r) => a + r.errors, 0),
  };
}

async function main(): Promise<void> {
  const s = parse(process.argv.slice(2));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gw-bench-two-'));
  await chmod(dataDir, 0o755);
  const pgPort = await getFreePort();
  const started: StartedProcess[] = [];
  try {
    log('starting gateway A (embedded PostgreSQL)');
    const a = await gateway('gateway-a', dataDir, {
      EMBEDDED_PG_PORT: String(pgPort),
      DATABASE_URL: undefined,
      MIGRATION_DATABASE_URL: undefined,
    });
    started.push(a.gw);
    const creds = JSON.parse(await readFile(path.join(dataDir, 'postgres', 'credentials.json'), 'utf8')) as {
      superuserPassword: string;
      appPassword: string;
    };
    const ownerUrl = `postgres://postgres:${encodeURIComponent(creds.superuserPassword)}@127.0.0.1:${pgPort}/postgres`;
    const appUrl = `postgres://gateway:${encodeURIComponent(creds.appPassword)}@127.0.0.1:${pgPort}/postgres`;
    log('starting gateway B (same PostgreSQL via DATABASE_URL)');
    const b = await gateway('gateway-b', dataDir, { DATABASE_URL: appUrl, MIGRATION_DATABASE_URL: ownerUrl });
    started.push(b.gw);

    const ds = createDataSource(ownerUrl, { poolSize: 3, name: 'bench-two-instances' });
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
    await ds.destroy();
    const managing = [...new Set(omCases.map((c) => c.managingOrg))].sort();
    const keys = new Map<string, SigningKey>();
    for (const org of [IOM_READER.org, ...managing]) keys.set(org, await loadDemoKey(dataDir, org));
    const omReaders = new Map(managing.map((o) => [o, omReader(o)]));

    // Two runs (A alone, then A+B), each reads for warm-up + duration at up to 3,000/s.
    const count = Math.ceil(((s.warmupMs + s.durationMs) / 1000) * 3000) * 2;
    const reads = planReads({
      count,
      seed: 7,
      iom: { reader: IOM_READER, crns: iomCrns },
      om: { readers: omReaders, cases: omCases },
      omShare: 0.2,
    });
    log(`signing ${count} tokens`);
    const pool = new TokenPool(await presign(reads, keys, AUD), reads, keys, AUD);
    const load = (baseUrl: string, concurrency: number) =>
      runLoad({
        baseUrl,
        concurrency,
        durationMs: s.durationMs,
        warmupMs: s.warmupMs,
        makeRequest: pool.take,
        expectStatus: (st) => st === 200,
        maxErrors: 1_000_000,
      });

    const q1 = await waitForQuiet({ pids: [a.gw.pid, b.gw.pid], maxForeignPercent: 25, timeoutMs: 60_000 });
    log(`one instance, ${s.concurrency} clients`);
    const one = combine([await load(a.baseUrl, s.concurrency)]);
    const q2 = await waitForQuiet({ pids: [a.gw.pid, b.gw.pid], maxForeignPercent: 25, timeoutMs: 60_000 });
    log(`two instances, ${s.concurrency / 2} clients each`);
    const two = combine(
      await Promise.all([
        load(a.baseUrl, Math.ceil(s.concurrency / 2)),
        load(b.baseUrl, Math.floor(s.concurrency / 2)),
      ]),
    );
    const busy = (q: { quiet: boolean; foreignPercent: number }) =>
      q.quiet ? '' : `; BUSY machine: others used ${Math.round(q.foreignPercent)}% of a core`;
    const rows: ResultRow[] = [
      {
        name: `summary reads, 2 instances x${s.concurrency}`,
        figure: Math.round(two.rps),
        unit: 'reads/s',
        target: 2000,
        baseline: Math.round(one.rps),
        note: `baseline = 1 instance, same clients; errors ${two.errors}${busy(q2)}`,
      },
      {
        name: 'summary reads, 2 instances p99',
        figure: two.p99,
        unit: 'ms',
        target: 50,
        better: 'lower',
        baseline: one.p99,
        note: `worse instance; p50 ${two.p50.toFixed(1)} ms${busy(q1)}`,
      },
    ];
    await printTable(rows, {
      title: `Summary reads over ${s.cases.toLocaleString('en-GB')} cases: two gateway instances on one PostgreSQL`,
      json: s.json,
      meta: { settings: s },
    });
  } finally {
    // B first: A owns the embedded PostgreSQL and stops it on exit.
    for (const p of started.reverse()) await p.stop(30_000);
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`two-instances benchmark failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
