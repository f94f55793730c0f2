// Exchange requests, submit to signed response, for requests the policies approve at once:
// POST /exchange-requests (a police IOM officer's signed request JWS for a case in Cleveland's
// IOM cohort, under the demo IOM agreement: FULFILLED on submit), then GET
// /exchange-requests/{id}/response (the gateway-signed response bundle). One completed pair is
// one exchange. Closed loop, `--concurrency` clients on keep-alive connections.
//
// Request JWSs and their POST tokens are signed before the clock starts (ES256 costs CPU on the
// same two cores); the GET token names the new request's id, so it is signed in the loop (about
// 0.1 ms of client CPU per exchange). Baseline, same server, same run: GET /health.
//
//   npm run build && node dist/bench/exchange/run.js [--concurrency 32] [--duration 10000] [--warmup 20000] [--cpu-prof] [--json file]
//
// Diagnosis: BENCH_ECHO=1 prints the gateway's output, BENCH_LOG_LEVEL=info its request log,
// BENCH_NODE_ARGS adds node options to the gateway, BENCH_KEEP_PROFILE=dir keeps the --cpu-prof file.
//
// BENCH_GATEWAY_ROOT=<another built checkout> starts that checkout's gateway instead of this one's
// (npm run bench sets it to the --before commit's build for its -before rows).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { chmod, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompactSign } from 'jose';
import pg from 'pg';
import { signRequestToken } from '../../src/shared/auth/request-token.js';
import { LatencyHistogram } from '../lib/histogram.js';
import { runLoad } from '../lib/load.js';
import { gatewayRoot, gatewayVariant, getFreePort, startNodeScript } from '../lib/spawn.js';
import { cpuSnapshot, cpuUseBetween, waitForQuiet, type CpuSnapshot } from '../lib/system.js';
import { printTable, type ResultRow } from '../lib/table.js';
import { loadDemoKey, type SigningKey } from '../summary-read/requests.js';
import { postgresCpuMs, postmasterPid } from '../summary-read/db-stats.js';
import { formatHotSpots, summariseNewestProfile } from '../summary-read/profile.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const AUD = 'probation-gateway';
const IOM_AGREEMENT_ID = '5d5a0001-0000-4000-8000-000000000001';
const ORG = 'police-cleveland';
const log = (m: string) => process.stderr.write(`${m}\n`);

function parse(argv: string[]) {
  // The warm-up is long because the figure is meant as a running gateway's: measured under this
  // load, V8's helper threads (compiling, about 17 TurboFan jobs a second at first) used 270 ms of
  // CPU a second early on and 60-85 after about 15 s, which a 2 s warm-up counted per exchange.
  const s = { concurrency: 32, durationMs: 10_000, warmupMs: 20_000, cpuProf: false, json: false as boolean | string };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--concurrency') s.concurrency = Number(argv[++i]);
    else if (a === '--duration') s.durationMs = Number(argv[++i]);
    else if (a === '--warmup') s.warmupMs = Number(argv[++i]);
    else if (a === '--cpu-prof') s.cpuProf = true;
    else if (a === '--json') s.json = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
    else throw new Error(`unknown argument ${a}`);
  }
  return s;
}

interface Prepared {
  jws: string;
  token: string;
}

async function prepare(key: SigningKey, cases: { crn: string; managingOrg: string }[], n: number): Promise<Prepared[]> {
  const out: Prepared[] = [];
  for (let i = 0; i < n; i++) {
    const c = cases[i % cases.length];
    const claims = {
      iss: ORG,
      iat: Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      provider: c.managingOrg,
      crn: c.crn,
      purpose: 'IOM',
      dataCategories: ['ROSH'],
      justification: 'Arrested last night; the IOM panel needs the current risk',
      urgency: 'ROUTINE',
      agreementId: IOM_AGREEMENT_ID,
    };
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'exchange-request+jwt' })
      .sign(key.key);
    out.push({ jws, token: await token(key, 'POST', '/exchange-requests', jws) });
  }
  return out;
}

function token(key: SigningKey, method: string, p: string, body?: string): Promise<string> {
  return signRequestToken({
    privateKey: key.key,
    alg: key.alg,
    kid: key.kid,
    iss: ORG,
    sub: `user:cleveland-iom-${Math.floor(Math.random() * 200) + 1}`,
    aud: AUD,
    method,
    path: p,
    body,
    roles: ['iom-officer'],
    attrs: { force: 'cleveland' },
    reason: 'IOM panel',
    ttlSeconds: 300,
  });
}

function request(
  agent: http.Agent,
  port: number,
  method: string,
  p: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const s = parse(process.argv.slice(2));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gw-bench-exchange-'));
  await chmod(dataDir, 0o755);
  const [port, pgPort] = [await getFreePort(), await getFreePort()];
  const baseUrl = `http://127.0.0.1:${port}`;
  log(`starting the gateway (DEMO=true) in ${dataDir}`);
  const gw = await startNodeScript({
    script: path.join(gatewayRoot(root), 'dist/src/main.js'),
    cwd: gatewayRoot(root),
    nodeArgs: [
      ...(s.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dataDir, 'profile')}`] : []),
      ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []),
    ],
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_PG_PORT: String(pgPort),
      DATABASE_URL: undefined,
      MIGRATION_DATABASE_URL: undefined,
      DEMO: 'true',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
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
    echo: process.env.BENCH_ECHO === '1',
  });
  try {
    const creds = JSON.parse(await readFile(path.join(dataDir, 'postgres', 'credentials.json'), 'utf8')) as {
      superuserPassword: string;
    };
    const owner = new pg.Client({
      connectionString: `postgres://postgres:${encodeURIComponent(creds.superuserPassword)}@127.0.0.1:${pgPort}/postgres`,
    });
    await owner.connect();
    const cases = (
      await owner.query(
        `SELECT crn, managing_org AS "managingOrg" FROM cases WHERE iom_cohort AND iom_force = 'cleveland' AND NOT restricted AND managing_org IN ('nps-north-east', 'crc-durham-tees-valley') ORDER BY crn`,
      )
    ).rows as { crn: string; managingOrg: string }[];
    const logSize = async () =>
      Number(((await owner.query('SELECT size FROM access_log_head WHERE id = 1')).rows as { size: string }[])[0].size);
    if (!cases.length) throw new Error('no Cleveland IOM cohort cases in the demo data');
    const key = await loadDemoKey(dataDir, ORG);
    const n = Math.ceil(((s.durationMs + s.warmupMs) / 1000) * 1500) + s.concurrency;
    log(`signing ${n} exchange requests and tokens over ${cases.length} cases...`);
    const prepared = await prepare(key, cases, n);

    const agent = new http.Agent({ keepAlive: true, maxSockets: s.concurrency });
    const exchange = async (p: Prepared): Promise<string | null> => {
      const post = await request(
        agent,
        port,
        'POST',
        '/exchange-requests',
        { authorization: `Bearer ${p.token}`, 'content-type': 'application/jose' },
        p.jws,
      );
      if (post.status !== 201) return `POST ${post.status}: ${post.text.slice(0, 200)}`;
      const r = JSON.parse(post.text) as { id: string; status: string };
      if (r.status !== 'FULFILLED') return `status ${r.status}`;
      const rp = `/exchange-requests/${r.id}/response`;
      const get = await request(agent, port, 'GET', rp, { authorization: `Bearer ${await token(key, 'GET', rp)}` });
      if (get.status !== 200 || get.text.split('.').length !== 3) return `GET ${get.status}: ${get.text.slice(0, 200)}`;
      return null;
    };
    const first = await exchange(prepared.pop()!);
    if (first) throw new Error(`preflight exchange failed: ${first}`);

    const quiet = await waitForQuiet({ pids: [gw.pid], maxForeignPercent: 25, timeoutMs: 60_000 });
    const postmaster = await postmasterPid(dataDir);
    // CPU of the gateway and of PostgreSQL over the measured window only (not the warm-up).
    const cpuNow = () =>
      Promise.all([cpuSnapshot([gw.pid]), postmaster ? postgresCpuMs(postmaster) : Promise.resolve(NaN)]);
    let cpuAtStart: Promise<[CpuSnapshot, number]> | undefined;
    let doneAtStart = 0;
    const logBefore = await logSize();
    const sentBefore = prepared.length;
    const h = new LatencyHistogram();
    const errors = new Map<string, number>();
    let done = 0;
    let measuring = false;
    const start = performance.now();
    let measureStart = start;
    const end = start + s.warmupMs + s.durationMs;
    setTimeout(() => {
      measuring = true;
      measureStart = performance.now();
      cpuAtStart = cpuNow();
      doneAtStart = done;
    }, s.warmupMs);
    await Promise.all(
      Array.from({ length: s.concurrency }, async () => {
        while (performance.now() < end && prepared.length) {
          const t = performance.now();
          const err = await exchange(prepared.pop()!).catch((e: Error) => e.message);
          if (!measuring) continue;
          if (err) errors.set(err.slice(0, 60), (errors.get(err.slice(0, 60)) ?? 0) + 1);
          else {
            done++;
            h.recordMs(performance.now() - t);
          }
        }
      }),
    );
    const seconds = (performance.now() - measureStart) / 1000;
    const [[cpuA, pgA], [cpuB, pgB]] = await Promise.all([cpuAtStart!, cpuNow()]);
    const gatewayCpuMs = (cpuUseBetween(cpuA, cpuB).pids[gw.pid] / 100) * cpuUseBetween(cpuA, cpuB).wallMs;
    const measured = done - doneAtStart;
    const cpuPerExchange = measured ? (gatewayCpuMs + (pgB - pgA)) / measured : NaN;
    const entriesPerExchange = (await logSize()) - logBefore;
    const sent = sentBefore - prepared.length;
    await owner.end();
    agent.destroy();
    const rate = done / seconds;
    const health = await runLoad({
      baseUrl,
      concurrency: s.concurrency,
      durationMs: 3000,
      warmupMs: 500,
      requests: [{ path: '/health' }],
    });
    const busy = quiet.quiet ? '' : `; BUSY machine: others used ${Math.round(quiet.foreignPercent)}% of a core`;
    const errs = [...errors].map(([k, v]) => `${v}x ${k}`).join('; ');
    const rows: ResultRow[] = [
      {
        name: `exchange submit-to-signed-response x${s.concurrency}`,
        figure: Math.round(rate),
        unit: 'exchanges/s',
        target: 500,
        baseline: Math.round(health.rps),
        note: `auto-approved (FULFILLED), POST + GET signed response; baseline = GET /health; ${errs ? `errors: ${errs}` : 'no errors'}${busy}`,
      },
      { name: `exchange x${s.concurrency} p50`, figure: h.percentileMs(50), unit: 'ms', better: 'lower' },
      {
        name: 'access-log entries per exchange',
        figure: sent ? Math.round((entriesPerExchange / sent) * 100) / 100 : NaN,
        unit: 'entries',
        note: `${entriesPerExchange} entries for ${sent} exchanges sent (warm-up included); each is a group-commit wait`,
      },
      { name: `exchange x${s.concurrency} p99`, figure: h.percentileMs(99), unit: 'ms', better: 'lower' },
      {
        name: 'CPU per exchange: gateway + PostgreSQL',
        figure: Math.round(cpuPerExchange * 100) / 100,
        unit: 'ms',
        target: 4,
        better: 'lower',
        note: `gateway ${(gatewayCpuMs / measured).toFixed(2)} ms, PostgreSQL ${((pgB - pgA) / measured).toFixed(2)} ms; ${gatewayVariant()}`,
      },
    ];
    await printTable(rows, {
      title: 'Exchange requests (auto-approved), submit to signed response',
      json: s.json,
      meta: { settings: s },
    });
  } finally {
    await gw.stop(30_000);
    if (s.cpuProf) {
      const p = await summariseNewestProfile(path.join(dataDir, 'profile'), 25);
      if (p)
        log(
          `${formatHotSpots('gateway, by area (self time):', p.areas)}\n${formatHotSpots('gateway, by function (self time):', p.functions)}`,
        );
      if (process.env.BENCH_KEEP_PROFILE)
        await cp(path.join(dataDir, 'profile'), process.env.BENCH_KEEP_PROFILE, { recursive: true });
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`exchange benchmark failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
