/**
 * Verifies the whole access log: every leaf hash from the stored bytes, every stored node and
 * checkpoint root from the leaves, every checkpoint signature, and consistency between
 * consecutive checkpoints. Names the first bad index and exits 1 on any mismatch (2 when it
 * cannot run). Entries whose bodies were pruned under the retention schedule are checked from
 * their stored leaf hashes (the tree is still rebuilt against every checkpoint), and the pruned
 * ranges are reported.
 *
 *   npm run -s log:verify                 # DATABASE_URL, or the embedded database under DATA_DIR
 *   npm run -s log:verify -- --json       # the report as JSON on stdout
 *   npm run -s log:verify -- --workers 4   # threads hashing blocks (default: one per core, at most 8)
 *   npm run -s log:verify -- --block 65536 # entries per block, a power of two
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { AppConfig } from '@config/app.config.js';
import {
  runningEmbeddedPostgres,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from '@shared/database/embedded-postgres.js';
import { defaultVerifyWorkers, verifyAccessLog } from '@modules/access-log/application/log-verifier.js';
import { prunedSpans } from '@modules/access-log/domain/pruned-range.js';
import { defineCli, intOption } from './lib/cli.js';
import { toolConfig } from './lib/config.js';

const cli = defineCli('log:verify', {
  usage: 'npm run -s log:verify --',
  summary:
    'Verifies the whole access log: every leaf hash from the stored bytes (entries pruned under the retention schedule from their stored leaf hashes, and the pruned ranges are reported), every stored node and checkpoint root from the leaves, every checkpoint signature, and consistency between consecutive checkpoints. Uses DATABASE_URL, or the embedded database under DATA_DIR.',
  options: {
    json: { type: 'boolean', default: false, description: 'Print the report as JSON on stdout' },
    workers: {
      type: 'string',
      value: '<n>',
      default: String(defaultVerifyWorkers()),
      description: 'Worker threads hashing blocks, 1 to 64; the default is one per core, at most 8',
    },
    block: {
      type: 'string',
      value: '<entries>',
      default: '65536',
      description: 'Entries per block, a power of two from 2 to 4194304',
    },
  },
  notes: [
    'Exit status 0 verified, 1 a mismatch (the first bad index is named), 2 could not run (a bad option, no database).',
  ],
});
const values = cli.parse();
const blockSize = Number(values.block);
if (!/^\d+$/.test(values.block) || blockSize < 2 || blockSize > 2 ** 22 || (blockSize & (blockSize - 1)) !== 0)
  cli.usageError('--block must be a power of two from 2 to 4194304');
const workers = intOption(cli, 'workers', values.workers, 1, 64);

function fail(message: string): never {
  return cli.fail(message, 2);
}

/**
 * Connects as the application role: DATABASE_URL, or the embedded server under DATA_DIR. A
 * server already running there (a gateway's, found from its postmaster.pid, on whatever port it
 * listens) is used as it is and never stopped or restarted; only a server this command started
 * itself, because none was running, is stopped again at the end.
 */
async function connect(config: AppConfig): Promise<{ client: pg.Client; url: string; stop: () => Promise<void> }> {
  if (config.databaseUrl)
    return { client: await open(config.databaseUrl), url: config.databaseUrl, stop: () => Promise.resolve() };
  const dir = path.join(config.dataDir, 'postgres');
  if (!existsSync(path.join(dir, 'credentials.json'))) fail(`no DATABASE_URL and no embedded database under ${dir}`);
  const running = await runningEmbeddedPostgres(dir);
  if (running) {
    const url = `postgres://gateway:${encodeURIComponent(running.credentials.appPassword)}@127.0.0.1:${running.port}/postgres`;
    // A running server that refuses us is reported, never restarted: it belongs to someone else.
    const client = await open(url).catch((e: Error) =>
      fail(
        `the embedded PostgreSQL running under ${dir} (pid ${running.pid}, port ${running.port}) refused the connection: ${e.message}`,
      ),
    );
    return { client, url, stop: () => Promise.resolve() };
  }
  process.stderr.write('log:verify: starting the embedded PostgreSQL (none is running under DATA_DIR)\n');
  const server: EmbeddedPostgres = await startEmbeddedPostgres({ dir, port: config.embeddedPgPort });
  return { client: await open(server.appUrl), url: server.appUrl, stop: () => server.stop() };
}

async function open(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 5000,
    application_name: 'probation-gateway-log-verify',
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const config = toolConfig(cli);
const { client, url, stop } = await connect(config).catch((e: Error) =>
  fail(`cannot connect to the database: ${e.message}`),
);
let exitCode: number;
try {
  const report = await verifyAccessLog(client, {
    blockSize,
    workers,
    connectionString: url,
    witnesses: { origin: config.logOrigin, keys: config.witnesses.map((w) => w.key) },
    // A sweep every interval takes intents older than one interval: two is the most a healthy one waits.
    stuckIntentMs: 2 * config.logIntentSweepMs,
    onProgress: ({ verified, total, elapsedMs }) =>
      process.stderr.write(
        `log:verify: ${verified.toLocaleString('en-GB')} / ${total.toLocaleString('en-GB')} entries (${Math.round(verified / (elapsedMs / 1000)).toLocaleString('en-GB')}/s)\n`,
      ),
  });
  if (values.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else if (report.ok) {
    process.stdout.write(
      `OK: ${report.entriesChecked} entries, ${report.nodesChecked} nodes, ${report.checkpointsChecked} signed checkpoints and ${report.cosignaturesChecked} witness cosignatures verified in ${(report.elapsedMs / 1000).toFixed(1)} s\n`,
    );
  } else {
    const first = report.firstBadIndex === null ? '' : `first bad index ${report.firstBadIndex}; `;
    process.stdout.write(`FAILED: ${first}${report.problemCount} problem(s)\n`);
    for (const p of report.problems) process.stdout.write(`  ${p.kind}: ${p.detail}\n`);
    if (report.problemCount > report.problems.length)
      process.stdout.write(`  ... and ${report.problemCount - report.problems.length} more\n`);
  }
  if (!values.json) {
    // Pruned bodies are not a fault: their leaf hashes were still checked into the rebuilt tree.
    // Adjacent prunings (one per run and batch) are printed as one span; --json lists each.
    for (const r of prunedSpans(report.prunedRanges))
      process.stdout.write(
        r.prunings === 1
          ? `PRUNED: entries ${r.from} to ${r.to} (older than ${r.cutoff}) pruned under the retention schedule on ${r.lastPrunedAt}\n`
          : `PRUNED: entries ${r.from} to ${r.to} (older than ${r.cutoff}) pruned under the retention schedule in ${r.prunings} prunings from ${r.firstPrunedAt} to ${r.lastPrunedAt}\n`,
      );
    for (const w of report.warnings) process.stdout.write(`WARNING: ${w.kind}: ${w.detail}\n`);
  }
  exitCode = report.ok ? 0 : 1;
} catch (e) {
  process.stderr.write(`log:verify: ${(e as Error).message}\n`);
  exitCode = 2;
} finally {
  await client.end().catch(() => undefined);
  await stop();
}
process.exit(exitCode);
