// Summary-read benchmark: signed, policy-checked, logged GET /cases/{crn}/summary at 64
// concurrent clients, each request with a fresh token, over 100,000 synthetic cases; beside it,
// the same server's unauthenticated GET /health.
//
// The gateway runs as a child process (node dist/src/main.js) on an embedded PostgreSQL in a
// temporary DATA_DIR, with DEMO=true (organisations, demo keys, agreements) and DEMO_CASES=0;
// the cases are bulk-loaded here over the owner connection while it runs. Reads are by police
// Cleveland IOM officers over Cleveland's IOM cohort (purpose IOM) and, for --om-share of them,
// by the managing NPS/CRC offender managers (RISK_MANAGEMENT). The per-organisation rate limit is
// raised for the run: one organisation sending thousands of reads a second is the point here.
//
//   npm run build && node dist/bench/summary-read/run.js [options]
//     --cases 100000          synthetic cases to load (seed 42)
//     --concurrency 64        closed-loop clients
//     --duration 20000        measured ms of summary reads (--warmup 5000 before)
//     --health-duration 10000 measured ms of GET /health
//     --om-share 0.2          share of RISK_MANAGEMENT reads by offender managers
//     --token-rate 4000       reads/s to pre-sign tokens for (signed on the spot beyond that)
//     --max-foreign 25        before each measurement, wait until other processes use less than
//     --quiet-timeout 120000  this % of a core (the machine is shared), for at most this long
//     --log-level warn        the gateway's LOG_LEVEL (info writes a line per request)
//     --cpu-prof              profile the gateway (node --cpu-prof) and print its hot spots
//     --keep                  keep the temporary DATA_DIR (and the profile)
//     --json [file]           JSON to stdout (table to stderr), or also to a file
//
// BENCH_GATEWAY_ROOT=<another built checkout> starts that checkout's gateway instead of this one's
// (npm run bench sets it to the --before commit's build for its -before rows).
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDataSource } from '../../src/data-source.js';
import { analyseCaseTables, bulkInsertCases, progressBar } from '../../src/demo/synthetic/index.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { gatewayRoot, gatewayVariant, getFreePort, startNodeScript, type StartedProcess } from '../lib/spawn.js';
import { cpuSnapshot, cpuUseBetween, waitForQuiet, type CpuSnapshot, type CpuUse } from '../lib/system.js';
import { dbCounters, perRead, postgresCpuMs, postmasterPid } from './db-stats.js';
import { anyFailed, printTable, type ResultRow } from '../lib/table.js';
import { formatHotSpots, summariseNewestProfile } from './profile.js';
import {
  IOM_FORCE,
  IOM_READER,
  loadDemoKey,
  omReader,
  planReads,
  presign,
  signRead,
  TokenPool,
  TOKEN_TTL_SECONDS,
  type Reader,
  type SigningKey,
} from './requests.js';
import { parseSettings, type Settings } from './settings.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const AUD = 'probation-gateway';

const log = (m: string) => process.stderr.write(`${m}\n`);

async function startGateway(
  s: Settings,
  dataDir: string,
): Promise<{ gw: StartedProcess; baseUrl: string; ownerUrl: string }> {
  const [port, pgPort] = [await getFreePort(), await getFreePort()];
  const baseUrl = `http://127.0.0.1:${port}`;
  const gw = await startNodeScript({
    script: path.join(gatewayRoot(root), 'dist/src/main.js'),
    cwd: gatewayRoot(root),
    nodeArgs: s.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dataDir, 'profile')}`] : [],
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_PG_PORT: String(pgPort),
      DATABASE_URL: undefined,
      MIGRATION_DATABASE_URL: undefined,
      DEMO: 'true',
      DEMO_CASES: '0',
      LOG_LEVEL: s.logLevel,
      GATEWAY_ID: AUD,
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '1000000',
      NODE_ENV: 'production',
      // BENCH_DB_PREPARED_STATEMENTS=false measures the gateway as it was before hot statements were prepared.
      DB_PREPARED_STATEMENTS: process.env.BENCH_DB_PREPARED_STATEMENTS ?? 'true',
    },
    readyUrl: `${baseUrl}/health`,
    readyTimeoutMs: 180_000,
    pollIntervalMs: 250,
    name: 'gateway',
  });
  const creds = JSON.parse(await readFile(path.join(dataDir, 'postgres', 'credentials.json'), 'utf8')) as {
    superuserPassword: string;
  };
  return {
    gw,
    baseUrl,
    ownerUrl: `postgres://postgres:${encodeURIComponent(creds.superuserPassword)}@127.0.0.1:${pgPort}/postgres`,
  };
}

/** One read per kind of reader and managing organisation, checked in full, before measuring. */
async function preflight(
  baseUrl: string,
  keys: Map<string, SigningKey>,
  samples: { reader: Reader; crn: string; managingOrg: string }[],
): Promise<Set<string>> {
  const ok = new Set<string>();
  for (const { reader, crn, managingOrg } of samples) {
    const spec = await signRead({ reader, crn, sub: `user:${reader.subPrefix}-preflight` }, keys, AUD);
    let body = '';
    const r = await runLoad({
      baseUrl,
      concurrency: 1,
      durationMs: 10_000,
      maxRequests: 1,
      requests: [spec],
      expectStatus: (st) => st === 200,
      checkResponse: (_st, b) => ((body = b.toString('utf8')), true),
    });
    const label = `${reader.org} ${reader.roles.join(',')} ${reader.purpose} ${crn} (managed by ${managingOrg})`;
    const parsed = (() => {
      try {
        return JSON.parse(body) as { accessLogIndex?: unknown; fieldsWithheld?: string[] };
      } catch {
        return {};
      }
    })();
    if (r.requests === 1 && typeof parsed.accessLogIndex === 'number') {
      log(`  preflight ok: ${label}; withheld: ${(parsed.fieldsWithheld ?? []).join(', ') || 'nothing'}`);
      ok.add(`${reader.purpose}|${managingOrg}`);
    } else log(`  preflight FAILED: ${label}: ${JSON.stringify(r.statusCounts)} ${body.slice(0, 300)}`);
  }
  return ok;
}

interface Measured {
  result: LoadResult;
  cpu?: CpuUse;
  /** PostgreSQL's CPU over the measured phase, % of one core. */
  pgPercent: number;
  /** Other processes' CPU just before measuring, % of one core. */
  quietBefore: number;
}

async function measure(
  s: Settings,
  pids: { gateway: number; postmaster?: number },
  run: () => Promise<LoadResult>,
  warmupMs: number,
): Promise<Measured> {
  const quiet = await waitForQuiet({
    pids: [pids.gateway],
    maxForeignPercent: s.maxForeign,
    timeoutMs: s.quietTimeoutMs,
  });
  if (!quiet.quiet)
    log(`  (other processes still use ${quiet.foreignPercent.toFixed(0)}% of a core; measuring anyway)`);
  const pgCpu = () => (pids.postmaster ? postgresCpuMs(pids.postmaster) : Promise.resolve(NaN));
  let before: Promise<[CpuSnapshot, number]> | undefined;
  const timer = setTimeout(() => {
    before = Promise.all([cpuSnapshot([pids.gateway]), pgCpu()]);
  }, warmupMs);
  const result = await run();
  clearTimeout(timer);
  if (!before) return { result, pgPercent: NaN, quietBefore: quiet.foreignPercent };
  const [[a, pgA], [b, pgB]] = await Promise.all([before, Promise.all([cpuSnapshot([pids.gateway]), pgCpu()])]);
  const cpu = cpuUseBetween(a, b);
  return { result, cpu, pgPercent: ((pgB - pgA) / cpu.wallMs) * 100, quietBefore: quiet.foreignPercent };
}

async function stopPostgresIfLeft(dataDir: string): Promise<void> {
  // The gateway stops its embedded PostgreSQL on SIGTERM; if it was killed instead, stop it here.
  const pid = await postmasterPid(dataDir);
  if (!pid) return;
  try {
    process.kill(pid, 'SIGINT'); // fast shutdown
    await new Promise((r) => setTimeout(r, 2000));
  } catch {
    // already gone
  }
}

async function main(s: Settings): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'summary-read-'));
  await chmod(dataDir, 0o755); // PostgreSQL runs as `postgres` when we are root and must reach its directory
  log(`starting the gateway (DATA_DIR ${dataDir})`);
  const { gw, baseUrl, ownerUrl } = await startGateway(s, dataDir);
  let failed: boolean;
  const ds = createDataSource(ownerUrl, { poolSize: 3, name: 'bench-summary-read' });
  try {
    log(`gateway ready in ${(gw.startupMs / 1000).toFixed(1)} s; loading ${s.cases.toLocaleString('en-GB')} cases`);
    await ds.initialize();
    const bar = progressBar('cases', s.cases);
    const loaded = await bulkInsertCases(ds, { seed: 42, count: s.cases, onProgress: (d) => bar.update(d) });
    bar.finish();
    await analyseCaseTables(ds);
    log(`loaded ${loaded.inserted} cases, ${loaded.assessments} assessments in ${(loaded.ms / 1000).toFixed(1)} s`);
    const cohort = (
      await ds.query<{ crn: string }[]>(
        `SELECT crn FROM cases WHERE iom_cohort AND iom_force = $1 AND NOT restricted ORDER BY crn`,
        [IOM_FORCE],
      )
    ).map((r) => r.crn);
    const omCases = await ds.query<{ crn: string; managingOrg: string }[]>(
      `SELECT crn, managing_org AS "managingOrg" FROM cases ORDER BY crn`,
    );
    const logSize = async () =>
      Number((await ds.query<{ size: string }[]>('SELECT size FROM access_log_head'))[0].size);

    const managing = [...new Set(omCases.map((c) => c.managingOrg))].sort();
    const keys = new Map<string, SigningKey>();
    for (const org of [IOM_READER.org, ...managing]) keys.set(org, await loadDemoKey(dataDir, org));
    const omReaders = new Map(managing.map((o) => [o, omReader(o)]));

    // Only kinds of read the gateway answers with 200 are measured; the preflight names any it refuses.
    const orgOf = new Map(omCases.map((c) => [c.crn, c.managingOrg]));
    const cohortByOrg = new Map<string, string>();
    for (const crn of cohort) if (!cohortByOrg.has(orgOf.get(crn)!)) cohortByOrg.set(orgOf.get(crn)!, crn);
    const ok = await preflight(baseUrl, keys, [
      ...[...cohortByOrg].map(([managingOrg, crn]) => ({ reader: IOM_READER, crn, managingOrg })),
      ...managing.map((o) => ({
        reader: omReaders.get(o)!,
        crn: omCases.find((c) => c.managingOrg === o)!.crn,
        managingOrg: o,
      })),
    ]);
    const iomCrns = cohort.filter((crn) => ok.has(`IOM|${orgOf.get(crn)}`));
    const omOk = omCases.filter((c) => ok.has(`RISK_MANAGEMENT|${c.managingOrg}`));
    if (!iomCrns.length)
      throw new Error(
        'no IOM summary read succeeded in the preflight: are the cases, agreements and policies modules wired (grep CasesModule src/app.module.ts)?',
      );

    const count = Math.ceil(((s.warmupMs + s.durationMs) / 1000) * s.tokenRate);
    const reads = planReads({
      count,
      seed: 7,
      iom: { reader: IOM_READER, crns: iomCrns },
      om: { readers: omReaders, cases: omOk },
      omShare: s.omShare,
    });
    const signStart = Date.now();
    const specs = await presign(reads, keys, AUD);
    const pool = new TokenPool(specs, reads, keys, AUD);
    log(
      `signed ${count.toLocaleString('en-GB')} tokens in ${((Date.now() - signStart) / 1000).toFixed(1)} s; ${iomCrns.length} cohort cases, ${omOk.length} cases for offender managers`,
    );

    const pids = { gateway: gw.pid, postmaster: await postmasterPid(dataDir) };
    const logBefore = await logSize();
    const countersBefore = await dbCounters(ds);
    const reads$ = await measure(
      s,
      pids,
      () =>
        runLoad({
          baseUrl,
          concurrency: s.concurrency,
          durationMs: s.durationMs,
          warmupMs: s.warmupMs,
          makeRequest: pool.take,
          expectStatus: (st) => st === 200,
          maxErrors: 1_000_000,
        }),
      s.warmupMs,
    );
    const logAfter = await logSize();
    await new Promise((r) => setTimeout(r, 11_000)); // idle backends publish their statistics within 10 s
    const db = perRead(countersBefore, await dbCounters(ds), pool.used);
    if ((Date.now() - signStart) / 1000 > TOKEN_TTL_SECONDS)
      log('  warning: the run outlived the first tokens; expect 401s');
    log(
      `  summary reads: ${reads$.result.rps.toFixed(0)}/s p50 ${reads$.result.p50Ms.toFixed(1)} ms p99 ${reads$.result.p99Ms.toFixed(1)} ms; statuses ${JSON.stringify(reads$.result.statusCounts)} errors ${JSON.stringify(reads$.result.errorCounts)}`,
    );

    const health$ = await measure(
      s,
      pids,
      () =>
        runLoad({
          baseUrl,
          concurrency: s.concurrency,
          durationMs: s.healthDurationMs,
          warmupMs: 2000,
          requests: [{ path: '/health' }],
        }),
      2000,
    );

    const r = reads$.result;
    const h = health$.result;
    const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? NaN : Math.round(x));
    const cpuMsPerRead = (((reads$.cpu?.pids[gw.pid] ?? NaN) + reads$.pgPercent) * 10) / r.rps;
    const rows: ResultRow[] = [
      {
        name: 'summary reads (signed, policy-checked, logged)',
        figure: r.rps,
        unit: 'reads/s',
        target: 2000,
        better: 'higher',
      },
      { name: 'summary read p50', figure: r.p50Ms, unit: 'ms' },
      { name: 'summary read p99', figure: r.p99Ms, unit: 'ms', target: 50, better: 'lower' },
      {
        name: 'summary read errors',
        figure: r.errors,
        unit: 'count',
        target: 0,
        better: 'lower',
        note: Object.keys(r.errorCounts).length ? JSON.stringify(r.errorCounts) : undefined,
      },
      {
        name: 'access-log entries per read',
        figure: pool.used ? (logAfter - logBefore) / pool.used : NaN,
        unit: 'entries',
        note: `${logAfter - logBefore} entries for ${pool.used} reads sent (warm-up included)`,
      },
      {
        name: 'tokens signed during the run',
        figure: pool.lateSigned,
        unit: 'count',
        note: pool.lateSigned ? 'pool ran out: raise --token-rate' : undefined,
      },
      {
        name: 'gateway CPU during reads',
        figure: pct(reads$.cpu?.pids[gw.pid]),
        unit: '% core',
        note: `load generator ${pct(r.clientCpuPercent)}% (2 cores = 200%)`,
      },
      { name: 'PostgreSQL CPU during reads', figure: pct(reads$.pgPercent), unit: '% core' },
      {
        name: 'other processes CPU during reads',
        figure: pct((reads$.cpu?.foreignPercent ?? NaN) - reads$.pgPercent),
        unit: '% core',
        target: s.maxForeign,
        better: 'lower',
        verdict: (reads$.cpu?.foreignPercent ?? 0) - reads$.pgPercent > s.maxForeign ? 'warn' : 'pass',
        note: `other jobs on this machine (${pct(reads$.quietBefore)}% just before); above ${s.maxForeign}% the figures are low`,
      },
      {
        name: 'CPU per read: gateway + PostgreSQL',
        figure: cpuMsPerRead,
        unit: 'ms',
        target: 1,
        better: 'lower',
        note: `${gatewayVariant()}; so 2 idle cores could serve about ${Number.isFinite(cpuMsPerRead) ? Math.round(2000 / (cpuMsPerRead + (r.clientCpuPercent * 10) / r.rps)) : '?'} reads/s (load generator included): an estimate, less sensitive to other jobs than the throughput`,
      },
      {
        name: 'database transactions per read',
        figure: db.transactions,
        unit: 'xacts',
        note: `row writes per read: ${db.writes}`,
      },
      {
        name: 'GET /health (same server, no auth)',
        figure: h.rps,
        unit: 'req/s',
        note: `p50 ${h.p50Ms.toFixed(2)} ms, p99 ${h.p99Ms.toFixed(2)} ms, errors ${h.errors}`,
      },
    ];
    await printTable(rows, {
      title: `Summary reads: ${r.requests.toLocaleString('en-GB')} in ${(r.elapsedMs / 1000).toFixed(1)} s, ${s.concurrency} clients, ${s.cases.toLocaleString('en-GB')} cases, ${Math.round(s.omShare * 100)}% offender-manager reads`,
      json: s.json,
      meta: { settings: s, cpus: os.cpus().length, statusCounts: r.statusCounts, loadAverage: os.loadavg() },
    });
    failed = anyFailed(rows);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    const exit = await gw.stop(30_000);
    if (exit.signal === 'SIGKILL' || (exit.code !== 0 && exit.code !== null))
      log(`gateway exit ${JSON.stringify(exit)}; last output:\n${gw.output().slice(-4000)}`);
    await stopPostgresIfLeft(dataDir);
    if (s.cpuProf) {
      const p = await summariseNewestProfile(path.join(dataDir, 'profile'), 30);
      if (p) {
        log(`\ngateway CPU profile (${(p.totalMs / 1000).toFixed(1)} s of samples, start-up included): ${p.file}`);
        log(formatHotSpots('by area (self time):', p.areas));
        log(formatHotSpots('by function (self time):', p.functions));
      } else log('no CPU profile was written');
    }
    if (!s.keep) await rm(dataDir, { recursive: true, force: true });
    else log(`kept ${dataDir}`);
  }
  if (failed) process.exitCode = 1;
}

main(parseSettings(process.argv.slice(2))).catch((e: unknown) => {
  log(`summary-read benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
