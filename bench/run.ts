// `npm run bench`: runs every benchmark, each as a child process (own event loop, own embedded
// PostgreSQL, nothing shared), collects their rows (each writes JSON with --json <file>) and
// prints ONE table: every figure beside its target and its same-run baseline.
//
//   npm run bench                       # full: 10M log entries, 100,000 cases (tens of minutes)
//   npm run bench -- --quick            # small data, short runs (a few minutes): a smoke test
//   npm run bench -- --only=log-scale,cold-start
//   npm run bench -- --json=bench-results.json
//
// Benchmarks: summary-read, log-append, log-scale, exchange, cold-start, two-instances.
// A benchmark that fails leaves a row saying so; the others still run. Exit code 1 if any
// figure misses its target (or a benchmark failed).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { anyFailed, printTable, type ResultRow } from './lib/table.js';

interface Bench {
  name: string;
  script: string;
  full: string[];
  quick: string[];
}

const BENCHES: Bench[] = [
  {
    name: 'summary-read',
    script: 'summary-read/run.js',
    full: [],
    quick: ['--cases', '10000', '--duration', '5000', '--warmup', '2000', '--health-duration', '3000', '--quiet-timeout', '20000'],
  },
  { name: 'log-append', script: 'log-append/run.js', full: [], quick: ['--concurrency', '64', '--duration', '2000', '--warmup', '500', '--quiet-timeout', '10000'] },
  { name: 'log-scale', script: 'log-scale/run.js', full: ['--entries', '10000000'], quick: ['--entries', '200000', '--samples', '100', '--quiet-timeout', '10000'] },
  { name: 'exchange', script: 'exchange/run.js', full: [], quick: ['--duration', '4000', '--warmup', '1000', '--concurrency', '16'] },
  { name: 'cold-start', script: 'cold-start/run.js', full: [], quick: ['--later', '2'] },
  { name: 'two-instances', script: 'two-instances/run.js', full: [], quick: ['--cases', '10000', '--duration', '5000', '--warmup', '2000'] },
];

const here = path.dirname(fileURLToPath(import.meta.url));

function parse(argv: string[]): { quick: boolean; only: string[] | null; json: string | null; echo: boolean } {
  const s = { quick: false, only: null as string[] | null, json: null as string | null, echo: true };
  for (const a of argv) {
    if (a === '--quick') s.quick = true;
    else if (a.startsWith('--only=')) s.only = a.slice(7).split(',').filter(Boolean);
    else if (a.startsWith('--json=')) s.json = a.slice(7);
    else if (a === '--silent') s.echo = false;
    else throw new Error(`unknown argument ${a} (see the header of bench/run.ts)`);
  }
  const unknown = (s.only ?? []).filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
  return s;
}

/** Runs one benchmark child; resolves with its rows, or one failure row. */
async function runOne(b: Bench, quick: boolean, dir: string, echo: boolean): Promise<ResultRow[]> {
  const out = path.join(dir, `${b.name}.json`);
  const args = [path.join(here, b.script), ...(quick ? b.quick : b.full), '--json', out];
  const started = performance.now();
  let tail = '';
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
      if (echo) process.stderr.write(chunk.toString().replace(/^(?=.)/gm, `[${b.name}] `));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', () => resolve(-1));
    child.on('exit', (c) => resolve(c));
  });
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  const json = await readFile(out, 'utf8').catch(() => null);
  if (json === null) {
    const last = tail.trim().split('\n').slice(-1)[0] ?? '';
    return [{ name: `${b.name}: FAILED`, figure: NaN, unit: '', verdict: 'fail', note: `exit ${code} after ${minutes} min: ${last.slice(0, 160)}` }];
  }
  const doc = JSON.parse(json) as { rows: ResultRow[] };
  return doc.rows.map((r) => ({ ...r, name: `${b.name}: ${r.name}` }));
}

async function main(): Promise<void> {
  const s = parse(process.argv.slice(2));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-bench-run-'));
  const rows: ResultRow[] = [];
  try {
    for (const b of BENCHES) {
      if (s.only && !s.only.includes(b.name)) continue;
      process.stderr.write(`\n=== ${b.name}${s.quick ? ' (quick)' : ''} ===\n`);
      rows.push(...(await runOne(b, s.quick, dir, s.echo)));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  process.stdout.write('\n');
  await printTable(rows, {
    title: `npm run bench${s.quick ? ' --quick' : ''}: ${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString()}`,
    json: s.json ?? undefined,
    meta: { quick: s.quick, cpus: cpus.length, cpuModel: cpus[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  });
  if (anyFailed(rows)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
