// `npm run bench`: runs every benchmark, each as a child process (own event loop, own embedded
// PostgreSQL, nothing shared), collects their rows (each writes JSON with --json <file>) and
// prints ONE table: every figure beside its target and its same-run baseline.
//
//   npm run bench                       # full: 10M log entries, 100,000 cases (tens of minutes)
//   npm run bench -- --quick            # small data, short runs (a few minutes): a smoke test
//   npm run bench -- --only=log-scale,cold-start
//   npm run bench -- --json=bench-results.json
//
// Benchmarks: summary-read, summary-read-unprepared, summary-read-before, log-append, log-scale,
// exchange, exchange-unprepared, exchange-before, cold-start, scale-out, event-delivery. The
// -unprepared ones measure the gateway before its hot statements were prepared; the -before ones
// (and a row of log-scale) the gateway and its log:verify at the commit `--before` names (by
// default the last one before issue 19's work), extracted from git history and built in the
// temporary directory: figures to compare with, never pass or fail.
// A benchmark that fails leaves a row saying so; the others still run. Exit code 1 if any
// figure misses its target (or a benchmark failed).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCli } from '../scripts/lib/cli.js';
import { BEFORE_ISSUE_19, prepareBeforeBuild, type BeforeBuild } from './lib/before-build.js';
import { anyFailed, printTable, type ResultRow } from './lib/table.js';

interface Bench {
  name: string;
  script: string;
  full: string[];
  quick: string[];
  /** Set for a run of another benchmark as the gateway was before a change: its rows are figures
   * to compare with, never pass or fail. `build`: on the gateway built from the `--before` commit. */
  before?: { of: string; what: string; env?: Record<string, string>; build?: true };
  /** Also measures the `--before` commit's own tools (BENCH_BEFORE_ROOT) on its data. */
  usesBeforeBuild?: true;
}

/** The gateway before its hot statements were prepared (issue 19), measured in the same run. */
const UNPREPARED = { BENCH_DB_PREPARED_STATEMENTS: 'false' };

const BENCHES: Bench[] = [
  {
    name: 'summary-read',
    script: 'summary-read/run.js',
    full: [],
    quick: [
      '--cases',
      '10000',
      '--duration',
      '5000',
      '--warmup',
      '2000',
      '--health-duration',
      '3000',
      '--quiet-timeout',
      '20000',
    ],
  },
  {
    name: 'summary-read-unprepared',
    script: 'summary-read/run.js',
    full: [],
    quick: ['--cases', '10000', '--duration', '5000', '--warmup', '2000', '--health-duration', '1000'],
    before: { of: 'summary-read', what: 'hot statements unprepared', env: UNPREPARED },
  },
  {
    name: 'summary-read-before',
    script: 'summary-read/run.js',
    full: [],
    quick: ['--cases', '10000', '--duration', '5000', '--warmup', '2000', '--health-duration', '1000'],
    before: { of: 'summary-read', what: 'gateway', build: true },
  },
  {
    name: 'log-append',
    script: 'log-append/run.js',
    full: [],
    quick: ['--concurrency', '64', '--duration', '2000', '--warmup', '500', '--quiet-timeout', '10000'],
  },
  {
    name: 'log-scale',
    script: 'log-scale/run.js',
    full: ['--entries', '10000000'],
    quick: ['--entries', '200000', '--samples', '100', '--quiet-timeout', '10000'],
    usesBeforeBuild: true,
  },
  {
    name: 'exchange',
    script: 'exchange/run.js',
    full: [],
    quick: ['--duration', '4000', '--warmup', '1000', '--concurrency', '16'],
  },
  {
    name: 'exchange-unprepared',
    script: 'exchange/run.js',
    full: [],
    quick: ['--duration', '4000', '--warmup', '1000', '--concurrency', '16'],
    before: { of: 'exchange', what: 'hot statements unprepared', env: UNPREPARED },
  },
  {
    name: 'exchange-before',
    script: 'exchange/run.js',
    full: [],
    quick: ['--duration', '4000', '--warmup', '1000', '--concurrency', '16'],
    before: { of: 'exchange', what: 'gateway', build: true },
  },
  { name: 'cold-start', script: 'cold-start/run.js', full: [], quick: ['--later', '2'] },
  {
    name: 'scale-out',
    script: 'scale-out/run.js',
    full: [],
    quick: ['--cases', '5000', '--duration', '4000', '--warmup', '1000'],
  },
  {
    name: 'event-delivery',
    script: 'event-delivery/run.js',
    full: [],
    quick: ['--burst', '20', '--duration', '5000'],
  },
];

const here = path.dirname(fileURLToPath(import.meta.url));

const cli = defineCli('bench', {
  usage: 'npm run bench --',
  summary:
    'Runs every benchmark, each as a child process on its own embedded PostgreSQL in a temporary directory, and prints one table: each figure beside its target and its same-run baseline.',
  options: {
    quick: {
      type: 'boolean',
      default: false,
      description: 'Small data and short runs (a smoke test of about twelve minutes)',
    },
    only: {
      type: 'string',
      value: '<a,b>',
      description: `Run only these benchmarks: ${BENCHES.map((b) => b.name).join(', ')}`,
    },
    before: {
      type: 'string',
      value: '<commit>',
      default: BEFORE_ISSUE_19,
      description: `The commit whose gateway and log:verify the -before rows measure (built from this clone's git history on its node_modules; ${BEFORE_ISSUE_19} is the last before issue 19's work), or none`,
    },
    json: { type: 'string', value: '<file>', description: 'Also write the rows as JSON to this file' },
    silent: { type: 'boolean', default: false, description: "Do not echo the benchmarks' own output" },
  },
  examples: [
    'npm run bench -- --quick',
    'npm run bench -- --only=log-scale,cold-start --json=bench.json',
    'npm run bench -- --only=exchange,exchange-before --before=HEAD~3',
  ],
  notes: [
    'Each benchmark also runs alone with its own options: node dist/bench/<name>/run.js (see the header of bench/<name>/run.ts). Exit status 0 every target met, 1 a figure missed its target or a benchmark failed, 2 a bad option.',
  ],
});

interface Settings {
  quick: boolean;
  only: string[] | null;
  json: string | null;
  echo: boolean;
  before: string | null;
}

function parse(argv: string[]): Settings {
  const values = cli.parse(argv);
  const only = values.only === undefined ? null : values.only.split(',').filter(Boolean);
  const unknown = (only ?? []).filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length)
    cli.usageError(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
  const before = values.before.trim();
  if (!/^[\w./~^@{}-]+$/.test(before) || before.startsWith('-'))
    cli.usageError(`--before must name a commit (a hash, tag or branch) or none, not ${JSON.stringify(values.before)}`);
  return {
    quick: values.quick,
    only,
    json: values.json ?? null,
    echo: !values.silent,
    before: before === 'none' ? null : before,
  };
}

/** Runs one benchmark child; resolves with its rows, or one failure row. */
async function runOne(
  b: Bench,
  quick: boolean,
  dir: string,
  echo: boolean,
  beforeBuild: BeforeBuild | null,
): Promise<ResultRow[]> {
  const before = b.before;
  let env: Record<string, string> = { ...before?.env };
  let what = before?.what ?? '';
  if (before?.build || b.usesBeforeBuild) {
    if (!beforeBuild || 'skipped' in beforeBuild) {
      const why = beforeBuild ? beforeBuild.skipped : '--before=none';
      if (before?.build)
        return [{ name: `${b.name}: not measured`, figure: NaN, unit: '', verdict: 'info', note: why }];
      env = { ...env, BENCH_BEFORE_SKIPPED: why };
    } else if (before?.build) {
      what = `the ${before.what} at ${beforeBuild.commit.slice(0, 7)}`;
      env = { ...env, BENCH_GATEWAY_ROOT: beforeBuild.root };
    } else {
      const label = `log:verify at ${beforeBuild.commit.slice(0, 7)}`;
      env = { ...env, BENCH_BEFORE_ROOT: beforeBuild.root, BENCH_BEFORE_LABEL: label };
    }
  }
  const out = path.join(dir, `${b.name}.json`);
  const args = [path.join(here, b.script), ...(quick ? b.quick : b.full), '--json', out];
  const started = performance.now();
  let tail = '';
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
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
    return [
      {
        name: `${b.name}: FAILED`,
        figure: NaN,
        unit: '',
        // A before run has no target: its failure is told, but fails nothing.
        verdict: before ? 'info' : 'fail',
        note: `${before ? `before (${what}), for ${before.of}; ` : ''}exit ${code} after ${minutes} min: ${last.slice(0, 160)}`,
      },
    ];
  }
  const doc = JSON.parse(json) as { rows: ResultRow[] };
  if (before)
    return doc.rows.map((r) => ({
      ...r,
      name: `${b.name}: ${r.name}`,
      target: undefined,
      verdict: 'info',
      note: `before (${what}), for ${before.of}${r.note ? `; ${r.note}` : ''}`,
    }));
  return doc.rows.map((r) => ({ ...r, name: `${b.name}: ${r.name}` }));
}

async function main(): Promise<void> {
  const s = parse(process.argv.slice(2));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-bench-run-'));
  const rows: ResultRow[] = [];
  try {
    const chosen = BENCHES.filter((b) => !s.only || s.only.includes(b.name));
    let beforeBuild: BeforeBuild | null = null;
    if (s.before && chosen.some((b) => b.before?.build || b.usesBeforeBuild)) {
      process.stderr.write(`\n=== building the gateway at ${s.before} (for the -before rows) ===\n`);
      beforeBuild = await prepareBeforeBuild(path.resolve(here, '../..'), s.before, dir);
      process.stderr.write(
        'skipped' in beforeBuild ? `not measured: ${beforeBuild.skipped}\n` : `built in ${beforeBuild.root}\n`,
      );
    }
    for (const b of chosen) {
      process.stderr.write(`\n=== ${b.name}${s.quick ? ' (quick)' : ''} ===\n`);
      rows.push(...(await runOne(b, s.quick, dir, s.echo, beforeBuild)));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  process.stdout.write('\n');
  await printTable(rows, {
    title: `npm run bench${s.quick ? ' --quick' : ''}: ${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString()}`,
    json: s.json ?? undefined,
    meta: {
      quick: s.quick,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
  });
  if (anyFailed(rows)) process.exitCode = 1;
}

cli.run(main);
