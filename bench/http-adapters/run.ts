// HTTP adapter benchmark: the same minimal NestJS app on Fastify and on Express, each in its own
// child process, driven by the closed-loop generator in this process over loopback keep-alive.
//
//   node scripts/build.mjs && node dist/bench/http-adapters/run.js [options]
//     --adapters fastify,express   which servers, in order ("node" = plain node:http control)
//     --concurrency 64             concurrent keep-alive clients
//     --duration 5000              measured ms per route
//     --warmup 2000                warm-up ms per route
//     --runs 1                     repeat the whole sequence
//     --pin                        pin server to CPU 0 and the load generator to CPU 1 (taskset)
//     --loadgen-child              run the load generator in its own child process
//     --max-foreign 20             before each measurement, wait until other processes use less
//                                  than this % of a core (the machine is shared)...
//     --quiet-timeout 60000        ...for at most this long (then measure anyway, flagged)
//     --retries 2                  re-measure a route if others used more than --max-foreign
//                                  during its measured phase (the last attempt is kept)
//     --json [file]                JSON to stdout (table to stderr), or also to a file
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad, runLoadInChild, type LoadResult, type RequestSpec } from '../lib/load.js';
import { getFreePort, pinSelf, startNodeScript, stopAll } from '../lib/spawn.js';
import { cpuSnapshot, cpuUseBetween, waitForQuiet, type CpuSnapshot } from '../lib/system.js';
import { printTable, type ResultRow } from '../lib/table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverScript = path.join(here, 'server.js');

interface Settings {
  adapters: string[];
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  runs: number;
  pin: boolean;
  loadgenChild: boolean;
  json: boolean | string;
  maxForeign: number;
  quietTimeoutMs: number;
  retries: number;
}

function parseArgs(argv: string[]): Settings {
  const s: Settings = {
    adapters: ['fastify', 'express'],
    concurrency: 64,
    durationMs: 5000,
    warmupMs: 2000,
    runs: 1,
    pin: false,
    loadgenChild: false,
    json: false,
    maxForeign: 20,
    quietTimeoutMs: 60_000,
    retries: 2,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      return v;
    };
    switch (a) {
      case '--adapters':
        s.adapters = (argv[++i] ?? '').split(',').filter(Boolean);
        break;
      case '--concurrency':
      case '-c':
        s.concurrency = num();
        break;
      case '--duration':
      case '-d':
        s.durationMs = num();
        break;
      case '--warmup':
      case '-w':
        s.warmupMs = num();
        break;
      case '--runs':
        s.runs = num();
        break;
      case '--pin':
        s.pin = true;
        break;
      case '--loadgen-child':
        s.loadgenChild = true;
        break;
      case '--max-foreign':
        s.maxForeign = num();
        break;
      case '--quiet-timeout':
        s.quietTimeoutMs = num();
        break;
      case '--retries':
        s.retries = Number(argv[++i]);
        break;
      case '--json':
        s.json = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
        break;
      default:
        throw new Error(`unknown argument ${a} (see the header of bench/http-adapters/run.ts)`);
    }
  }
  for (const a of s.adapters) if (!['fastify', 'express', 'node'].includes(a)) throw new Error(`unknown adapter ${a}`);
  return s;
}

interface Route {
  label: string;
  spec: RequestSpec;
  expectBody: (body: unknown) => boolean;
}

const echoPayload = { id: 42, name: 'bench', tags: ['a', 'b', 'c'], nested: { x: 1, y: 'two' } };
const routes: Route[] = [
  {
    label: 'GET /hello',
    spec: { method: 'GET', path: '/hello' },
    expectBody: (b) => JSON.stringify(b) === '{"ok":true}',
  },
  {
    label: 'POST /echo',
    spec: { method: 'POST', path: '/echo', body: echoPayload },
    expectBody: (b) => JSON.stringify(b) === JSON.stringify(echoPayload),
  },
];

/** One request per route, checking status and body, before measuring anything. */
async function sanityCheck(baseUrl: string, adapter: string): Promise<void> {
  for (const r of routes) {
    let body: unknown;
    const res = await runLoad({
      baseUrl,
      concurrency: 1,
      durationMs: 5000,
      maxRequests: 1,
      requests: [r.spec],
      expectStatus: (s) => s === 200,
      checkResponse: (_s, b, h) => {
        body = JSON.parse(b.toString('utf8'));
        return String(h['content-type']).startsWith('application/json') && r.expectBody(body);
      },
    });
    if (res.requests !== 1) {
      throw new Error(
        `${adapter} ${r.label}: unexpected response ${JSON.stringify(res.statusCounts)} ${JSON.stringify(res.errorCounts)} body=${JSON.stringify(body)}`,
      );
    }
  }
}

interface Measured {
  adapter: string;
  route: string;
  result: LoadResult;
  /** Over the measured phase, % of one core. */
  serverCpuPercent: number;
  loadgenCpuPercent: number;
  /** CPU used by other processes on the machine during the measured phase, % of one core. */
  foreignCpuPercent: number;
  attempts: number;
}

async function benchAdapter(adapter: string, s: Settings): Promise<Measured[]> {
  const port = await getFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = await startNodeScript({
    script: serverScript,
    args: [adapter, String(port)],
    env: { NODE_ENV: 'production' },
    readyUrl: `${baseUrl}/hello`,
    name: adapter,
    cpus: s.pin ? '0' : undefined,
  });
  const out: Measured[] = [];
  try {
    await sanityCheck(baseUrl, adapter);
    for (const r of routes) {
      const opts = {
        baseUrl,
        concurrency: s.concurrency,
        durationMs: s.durationMs,
        warmupMs: s.warmupMs,
        requests: [r.spec],
      };
      let m: Measured;
      for (let attempt = 1; ; attempt++) {
        const quiet = await waitForQuiet({
          pids: [server.pid],
          maxForeignPercent: s.maxForeign,
          timeoutMs: s.quietTimeoutMs,
        });
        if (quiet.waitedMs > 1500 || !quiet.quiet) {
          process.stderr.write(
            `  (waited ${(quiet.waitedMs / 1000).toFixed(0)} s for other processes to quieten; ${quiet.quiet ? 'ok' : `still ${quiet.foreignPercent.toFixed(0)}% of a core busy, measuring anyway`})\n`,
          );
        }
        // CPU use is sampled from the end of the warm-up to the end of the run.
        let loadgenPid: number | undefined;
        let before: Promise<CpuSnapshot> | undefined;
        const pids = () => (loadgenPid ? [server.pid, loadgenPid] : [server.pid]);
        const timer = setTimeout(() => {
          before = cpuSnapshot(pids());
        }, s.warmupMs);
        const result = s.loadgenChild
          ? await runLoadInChild({ ...opts, cpus: s.pin ? '1' : undefined, onChild: (c) => (loadgenPid = c.pid) })
          : await runLoad(opts);
        clearTimeout(timer);
        const after = await cpuSnapshot(pids());
        const use = before ? cpuUseBetween(await before, after) : undefined;
        m = {
          adapter,
          route: r.label,
          result,
          serverCpuPercent: use?.pids[server.pid] ?? NaN,
          loadgenCpuPercent: loadgenPid ? (use?.pids[loadgenPid] ?? NaN) : result.clientCpuPercent,
          foreignCpuPercent: use?.foreignPercent ?? NaN,
          attempts: attempt,
        };
        if (!(m.foreignCpuPercent > s.maxForeign) || attempt > s.retries) break;
        process.stderr.write(
          `  (${adapter} ${r.label}: other processes used ${pct(m.foreignCpuPercent)} of a core meanwhile (${m.result.rps.toFixed(0)} req/s); measuring again)\n`,
        );
      }
      out.push(m);
      const { result } = m;
      process.stderr.write(
        `  ${adapter.padEnd(8)} ${r.label.padEnd(11)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  ` +
          `errors ${result.errors}  CPU: server ${pct(m.serverCpuPercent)} loadgen ${pct(m.loadgenCpuPercent)} others ${pct(m.foreignCpuPercent)}${m.attempts > 1 ? ` (attempt ${m.attempts})` : ''}\n`,
      );
    }
  } finally {
    const exit = await server.stop();
    if (exit.code !== 0 && exit.signal !== 'SIGTERM')
      process.stderr.write(`  ${adapter} exited with ${JSON.stringify(exit)}\n${server.output()}\n`);
  }
  return out;
}

const pct = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)}%` : '?');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function rowsFor(measured: Measured[], settings: Settings, suffix = ''): ResultRow[] {
  // Fastify rows carry Express's figure as baseline (Δ = Fastify relative to Express).
  const find = (adapter: string, route: string) => measured.find((m) => m.adapter === adapter && m.route === route);
  const rows: ResultRow[] = [];
  for (const m of measured) {
    const base = m.adapter === 'express' ? undefined : find('express', m.route);
    const r = m.result;
    const flags = [
      m.foreignCpuPercent > settings.maxForeign ? 'CONTENDED' : '',
      m.loadgenCpuPercent > 90 ? 'LOADGEN-BOUND' : '',
      (r.connectionsOpened ?? 0) > r.concurrency ? `${r.connectionsOpened! - r.concurrency} reconnects` : '',
    ].filter(Boolean);
    const note =
      `err ${r.errors}; CPU server ${pct(m.serverCpuPercent)}, loadgen ${pct(m.loadgenCpuPercent)}, others ${pct(m.foreignCpuPercent)}` +
      (flags.length ? `; ${flags.join(', ')}` : '');
    const name = `${m.adapter} ${m.route}${suffix}`;
    rows.push({
      name: `${name} throughput`,
      figure: r.rps,
      unit: 'req/s',
      baseline: base?.result.rps,
      better: 'higher',
      note,
    });
    rows.push({ name: `${name} p50`, figure: r.p50Ms, unit: 'ms', baseline: base?.result.p50Ms, better: 'lower' });
    rows.push({ name: `${name} p99`, figure: r.p99Ms, unit: 'ms', baseline: base?.result.p99Ms, better: 'lower' });
    if (r.errors > 0)
      rows.push({ name: `${name} errors`, figure: r.errors, unit: 'count', target: 0, better: 'lower' });
  }
  return rows;
}

async function main(): Promise<void> {
  const s = parseArgs(process.argv.slice(2));
  const onSignal = () => {
    void stopAll(1000).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (s.pin && !s.loadgenChild && !(await pinSelf('1'))) throw new Error('--pin needs taskset');

  const all: Measured[][] = [];
  for (let run = 1; run <= s.runs; run++) {
    process.stderr.write(
      `run ${run}/${s.runs}: ${s.concurrency} clients, ${s.warmupMs} ms warm-up + ${s.durationMs} ms per route${s.pin ? ', pinned' : ''}\n`,
    );
    const measured: Measured[] = [];
    for (const a of s.adapters) measured.push(...(await benchAdapter(a, s)));
    all.push(measured);
  }

  let rows: ResultRow[];
  let title: string;
  if (s.runs === 1) {
    rows = rowsFor(all[0], s);
    title = `NestJS HTTP adapters, ${s.concurrency} keep-alive clients, ${s.durationMs / 1000} s per route`;
  } else {
    // Median of each figure across runs.
    const merged: Measured[] = all[0].map((m, i) => {
      const pick = (f: (r: LoadResult) => number) => median(all.map((run) => f(run[i].result)));
      return {
        adapter: m.adapter,
        route: m.route,
        serverCpuPercent: median(all.map((run) => run[i].serverCpuPercent)),
        loadgenCpuPercent: median(all.map((run) => run[i].loadgenCpuPercent)),
        foreignCpuPercent: median(all.map((run) => run[i].foreignCpuPercent)),
        attempts: Math.max(...all.map((run) => run[i].attempts)),
        result: {
          ...m.result,
          rps: pick((r) => r.rps),
          p50Ms: pick((r) => r.p50Ms),
          p99Ms: pick((r) => r.p99Ms),
          errors: all.reduce((n, run) => n + run[i].result.errors, 0),
        },
      };
    });
    rows = rowsFor(merged, s, ` (median of ${s.runs})`);
    title = `NestJS HTTP adapters, ${s.concurrency} keep-alive clients, ${s.durationMs / 1000} s per route, median of ${s.runs} runs`;
  }
  await printTable(rows, {
    title,
    json: s.json,
    meta: {
      settings: s,
      node: process.version,
      runs: all.map((run) => run.map(({ result, ...rest }) => ({ ...rest, ...result }))),
    },
  });
  if (all.flat().some((m) => m.result.errors > 0)) process.exitCode = 1;
}

main().catch(async (e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  await stopAll(1000);
  process.exit(1);
});
