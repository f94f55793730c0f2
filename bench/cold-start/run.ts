// Cold start to healthy: the gateway on the embedded PostgreSQL, from process spawn until GET
// /health answers 200, and the CPU the process spent until then. First start: an empty DATA_DIR
// (initdb, migrations, keys); later starts: the same DATA_DIR after a clean stop. The figures are
// the one-file build `npm run start:prod` and the container run (dist/bundle/main.js, built here
// by scripts/bundle.mjs; a later start compiles it from the code cache the first start wrote under
// DATA_DIR); their baselines, same run, interleaved, the per-file build (dist/src/main.js). Also the
// embedded PostgreSQL alone (initdb + start, then start on an existing directory): the part of
// the start the gateway cannot do much about.
//
//   npm run build && node dist/bench/cold-start/run.js [--later 5] [--json file]
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmbeddedPostgres } from '../../src/shared/database/embedded-postgres.js';
import { getFreePort, processCpuMs, startNodeScript } from '../lib/spawn.js';
import { waitForQuiet } from '../lib/system.js';
import { printTable, type ResultRow } from '../lib/table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const log = (m: string) => process.stderr.write(`${m}\n`);

function parse(argv: string[]): { later: number; json: boolean | string } {
  const s = { later: 5, json: false as boolean | string };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--later') s.later = Math.max(1, Math.floor(Number(argv[++i]) || 1));
    else if (argv[i] === '--json') s.json = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return s;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const BUNDLE = path.join(root, 'dist/bundle/main.js');
const PER_FILE = path.join(root, 'dist/src/main.js');

interface Start {
  ms: number;
  cpuMs: number;
}

async function startGateway(dataDir: string, script: string): Promise<Start> {
  const [port, pgPort] = [await getFreePort(), await getFreePort()];
  const gw = await startNodeScript({
    script,
    cwd: root,
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_PG_PORT: String(pgPort),
      DATABASE_URL: undefined,
      MIGRATION_DATABASE_URL: undefined,
      DEMO: 'false',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    readyUrl: `http://127.0.0.1:${port}/health`,
    readyTimeoutMs: 180_000,
    pollIntervalMs: 20,
  });
  const cpuMs = await processCpuMs(gw.pid);
  await gw.stop(30_000);
  return { ms: gw.startupMs, cpuMs };
}

async function main(): Promise<void> {
  const s = parse(process.argv.slice(2));
  const dirs: string[] = [];
  const fresh = async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'gw-bench-cold-'));
    dirs.push(d);
    await chmod(d, 0o755); // PostgreSQL runs as user postgres when we are root
    return d;
  };
  try {
    const quiet = await waitForQuiet({ maxForeignPercent: 25, timeoutMs: 30_000 });
    // Baseline: PostgreSQL alone.
    const pgDir = await fresh();
    let t = performance.now();
    let pgServer = await startEmbeddedPostgres({ dir: path.join(pgDir, 'postgres'), port: await getFreePort() });
    const pgFirst = performance.now() - t;
    await pgServer.stop();
    const pgLater: number[] = [];
    for (let i = 0; i < s.later; i++) {
      t = performance.now();
      pgServer = await startEmbeddedPostgres({ dir: path.join(pgDir, 'postgres'), port: await getFreePort() });
      pgLater.push(performance.now() - t);
      await pgServer.stop();
    }

    log('bundling (scripts/bundle.mjs)...');
    await promisify(execFile)(process.execPath, ['scripts/bundle.mjs'], { cwd: root });
    // The later starts reuse the DATA_DIR of the one-file build's first start (its database, keys
    // and the code cache it wrote): each of them is a later start, none pays for initdb.
    const dataDir = await fresh();
    const first = {
      bundle: await startGateway(dataDir, BUNDLE),
      perFile: await startGateway(await fresh(), PER_FILE),
    };
    const later = { bundle: [] as Start[], perFile: [] as Start[] };
    for (let i = 0; i < s.later; i++) {
      log(`gateway later starts ${i + 1}/${s.later} (bundle, then per-file build)...`);
      later.bundle.push(await startGateway(dataDir, BUNDLE));
      later.perFile.push(await startGateway(dataDir, PER_FILE));
    }
    const busy = quiet.quiet ? '' : `; BUSY machine: others used ${Math.round(quiet.foreignPercent)}% of a core`;
    const wall = (xs: Start[]) => Math.round(median(xs.map((x) => x.ms)));
    const cpu = (xs: Start[]) => Math.round(median(xs.map((x) => x.cpuMs)));
    const rows: ResultRow[] = [
      {
        name: 'cold start, first (empty DATA_DIR)',
        figure: Math.round(first.bundle.ms),
        unit: 'ms',
        better: 'lower',
        baseline: Math.round(first.perFile.ms),
        note: `spawn to /health 200, one-file build; baseline = per-file build; PostgreSQL initdb + start alone ${Math.round(pgFirst)} ms${busy}`,
      },
      {
        name: `cold start, later (median of ${s.later})`,
        figure: wall(later.bundle),
        unit: 'ms',
        better: 'lower',
        baseline: wall(later.perFile),
        note: `one-file build; baseline = per-file build, interleaved; PostgreSQL start alone ${Math.round(median(pgLater))} ms${busy}`,
      },
      {
        name: `cold start, later: gateway CPU to healthy`,
        figure: cpu(later.bundle),
        unit: 'ms',
        better: 'lower',
        baseline: cpu(later.perFile),
        note: 'user + system CPU of the gateway process (PostgreSQL not counted); baseline = per-file build',
      },
    ];
    await printTable(rows, { title: 'Cold start to healthy (embedded PostgreSQL)', json: s.json });
  } finally {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`cold-start benchmark failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
