// Cold start to healthy: `node dist/src/main.js` on the embedded PostgreSQL, from process spawn
// until GET /health answers 200. First start: an empty DATA_DIR (initdb, migrations, keys);
// later starts: the same DATA_DIR after a clean stop. Baselines, same run: the embedded
// PostgreSQL alone (initdb + start on an empty directory, then start on an existing one), i.e.
// the part of the start the gateway cannot do much about.
//
//   npm run build && node dist/bench/cold-start/run.js [--later 5] [--json file]
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from '../../src/shared/database/embedded-postgres.js';
import { getFreePort, startNodeScript } from '../lib/spawn.js';
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

async function startGateway(dataDir: string): Promise<{ ms: number; stop: () => Promise<unknown> }> {
  const [port, pgPort] = [await getFreePort(), await getFreePort()];
  const gw = await startNodeScript({
    script: path.join(root, 'dist/src/main.js'),
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
  return { ms: gw.startupMs, stop: () => gw.stop(30_000) };
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

    const dataDir = await fresh();
    log('gateway first start (empty DATA_DIR)...');
    const first = await startGateway(dataDir);
    await first.stop();
    const later: number[] = [];
    for (let i = 0; i < s.later; i++) {
      log(`gateway later start ${i + 1}/${s.later}...`);
      const g = await startGateway(dataDir);
      later.push(g.ms);
      await g.stop();
    }
    const busy = quiet.quiet ? '' : `; BUSY machine: others used ${Math.round(quiet.foreignPercent)}% of a core`;
    const rows: ResultRow[] = [
      {
        name: 'cold start, first (empty DATA_DIR)',
        figure: Math.round(first.ms),
        unit: 'ms',
        better: 'lower',
        baseline: Math.round(pgFirst),
        note: `spawn to /health 200; baseline = embedded PostgreSQL initdb + start alone${busy}`,
      },
      {
        name: `cold start, later (median of ${s.later})`,
        figure: Math.round(median(later)),
        unit: 'ms',
        better: 'lower',
        baseline: Math.round(median(pgLater)),
        note: `min ${Math.round(Math.min(...later))}, max ${Math.round(Math.max(...later))}; baseline = PostgreSQL start alone${busy}`,
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
