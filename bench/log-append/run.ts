// Access-log append benchmark: appends per second and latency through AccessLogWriter (group
// commit into the Merkle log) at several concurrencies, against plain single-row INSERTs into an
// unchained table with the same columns and indexes, through a pg Pool as wide as the
// concurrency. Both run on a fresh embedded PostgreSQL in a temporary directory with fsync ON
// (every acknowledged entry is on disk), in this process.
//
//   node scripts/build.mjs && node dist/bench/log-append/run.js [options]
//     --concurrency 16,64,256   closed-loop appenders (each awaits its append, then appends again)
//     --duration 5000           measured ms per run
//     --warmup 1000             unmeasured ms before each run
//     --batch 512               LOG_BATCH_MAX_ENTRIES
//     --max-foreign 20          before each run, wait until other processes use less than this % of
//                               a core (the machine is shared)...
//     --quiet-timeout 60000     ...for at most this long (then measure anyway; the note says so)
//     --json [file]             JSON to stdout (table to stderr), or also to a file
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { LatencyHistogram } from '../lib/histogram.js';
import { getFreePort } from '../lib/spawn.js';
import { cpuSnapshot, cpuUseBetween, postgresPids, waitForQuiet } from '../lib/system.js';
import { printTable, type ResultRow } from '../lib/table.js';
import { createDataSource } from '../../src/data-source.js';
import { startEmbeddedPostgres } from '../../src/shared/database/embedded-postgres.js';
import { runMigrations } from '../../src/shared/database/migrate.js';
import { createAccessLogWriter } from '../../src/modules/access-log/access-log.providers.js';
import type { AccessLogEntryInput } from '../../src/modules/access-log/index.js';
import { prepareEntry, sealEntry } from '../../src/modules/access-log/domain/prepared-entry.js';

interface Settings {
  concurrency: number[];
  durationMs: number;
  warmupMs: number;
  batch: number;
  maxForeign: number;
  quietTimeoutMs: number;
  json: boolean | string;
}

function parseArgs(argv: string[]): Settings {
  const s: Settings = {
    concurrency: [16, 64, 256],
    durationMs: 5000,
    warmupMs: 1000,
    batch: 512,
    maxForeign: 20,
    quietTimeoutMs: 60_000,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      return v;
    };
    switch (a) {
      case '--concurrency':
        s.concurrency = (argv[++i] ?? '')
          .split(',')
          .map(Number)
          .filter((n) => n > 0);
        break;
      case '--duration':
        s.durationMs = num();
        break;
      case '--warmup':
        s.warmupMs = num();
        break;
      case '--batch':
        s.batch = num();
        break;
      case '--max-foreign':
        s.maxForeign = num();
        break;
      case '--quiet-timeout':
        s.quietTimeoutMs = num();
        break;
      case '--json':
        s.json = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
        break;
      default:
        throw new Error(`unknown argument ${a} (see the header of bench/log-append/run.ts)`);
    }
  }
  return s;
}

const ORGS = ['police-cleveland', 'police-durham', 'crc-durham-tees-valley', 'crc-northumbria', 'nps-north-east'];
const PURPOSES = ['IOM', 'MAPPA', 'RISK_MANAGEMENT', 'RECALL'];

/** A realistic entry (about 500 bytes canonical), varied so the indexes see many keys. */
function entry(worker: number, seq: number): AccessLogEntryInput {
  const org = ORGS[worker % ORGS.length];
  return {
    actor: { org, sub: `user:${org}-${worker}`, roles: ['iom-officer'] },
    action: seq % 5 === 0 ? 'case.read' : 'case.summary',
    resource: { type: 'case', id: `X${String((worker * 7919 + seq) % 1_000_000).padStart(6, '0')}` },
    crn: `X${String((worker * 7919 + seq) % 1_000_000).padStart(6, '0')}`,
    purpose: PURPOSES[seq % PURPOSES.length],
    reason: 'Weekly IOM panel review of the cohort',
    decision: seq % 17 === 0 ? 'DENY' : 'ALLOW',
    reasons: ['rule:iom-officer-summary', 'agreement:5d2f0d0e-6c4b-4a57-9a51-0f2b9b1f7a11@v3'],
    agreement: { id: '5d2f0d0e-6c4b-4a57-9a51-0f2b9b1f7a11', version: 3 },
    fieldsReleased: ['crn', 'tier', 'rosh', 'mappa', 'scores', 'licenceConditions'],
    fieldsWithheld: ['needs', 'riskManagementPlan'],
    recipientOrg: org,
    ownerOrg: 'nps-north-east',
    requestId: `bench-${worker}-${seq}`,
    jti: `jti-${worker}-${seq}-0123456789`,
  };
}

interface RunResult {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
  errors: number;
  /** CPU of processes other than this one and PostgreSQL during the measured phase, % of one core. */
  foreignPercent: number;
  /** Whether the machine was quiet before the run. */
  quiet: boolean;
}

/** Closed loop: `concurrency` workers each await `op`, then call it again, until time is up. */
async function closedLoop(
  concurrency: number,
  s: Settings,
  pgdata: string,
  op: (worker: number, seq: number) => Promise<unknown>,
): Promise<RunResult> {
  const { quiet } = await waitForQuiet({
    pids: postgresPids(pgdata),
    maxForeignPercent: s.maxForeign,
    timeoutMs: s.quietTimeoutMs,
  });
  const hist = new LatencyHistogram();
  const start = performance.now();
  const measureFrom = start + s.warmupMs;
  const end = measureFrom + s.durationMs;
  let errors = 0;
  let before: Awaited<ReturnType<typeof cpuSnapshot>> | undefined;
  const sampler = setTimeout(() => void cpuSnapshot(postgresPids(pgdata)).then((c) => (before = c)), s.warmupMs);
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let seq = 0; ; seq++) {
        const t0 = performance.now();
        if (t0 >= end) return;
        try {
          await op(worker, seq);
          if (t0 >= measureFrom) hist.recordMs(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  clearTimeout(sampler);
  const foreignPercent = before
    ? cpuUseBetween(before, await cpuSnapshot([...before.pids.keys()])).foreignPercent
    : NaN;
  return {
    perSecond: hist.count / (s.durationMs / 1000),
    p50: hist.percentileMs(50),
    p99: hist.percentileMs(99),
    count: hist.count,
    errors,
    foreignPercent,
    quiet,
  };
}

function noteOf(r: RunResult, extra = ''): string | undefined {
  const parts = [
    extra,
    r.errors ? `${r.errors} errors` : '',
    Number.isFinite(r.foreignPercent)
      ? `others used ${Math.round(r.foreignPercent)}% of a core${r.quiet ? '' : ' (machine was busy)'}`
      : '',
  ];
  return parts.filter(Boolean).join(', ') || undefined;
}

const PLAIN_TABLE = `
  CREATE TABLE bench_plain_log (
    id bigserial PRIMARY KEY, ts timestamptz NOT NULL DEFAULT now(), entry bytea NOT NULL,
    action text NOT NULL, decision text NOT NULL, actor_org text NOT NULL, actor_sub text NOT NULL,
    owner_org text, recipient_org text, crn text, purpose text, break_glass boolean NOT NULL);
  CREATE INDEX ON bench_plain_log (crn, id) WHERE crn IS NOT NULL;
  CREATE INDEX ON bench_plain_log (actor_org, id);
  CREATE INDEX ON bench_plain_log (actor_sub, id);
  CREATE INDEX ON bench_plain_log (owner_org, id) WHERE owner_org IS DISTINCT FROM actor_org;
  CREATE INDEX ON bench_plain_log (recipient_org, id) WHERE recipient_org IS DISTINCT FROM actor_org;
  CREATE INDEX ON bench_plain_log USING brin (ts);
  GRANT SELECT, INSERT ON bench_plain_log TO gateway_app;
  GRANT USAGE ON SEQUENCE bench_plain_log_id_seq TO gateway_app;`;

const PLAIN_INSERT = `INSERT INTO bench_plain_log (entry, action, decision, actor_org, actor_sub, owner_org, recipient_org, crn, purpose, break_glass)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

async function main(): Promise<void> {
  const s = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-bench-log-'));
  const port = await getFreePort();
  const maxConcurrency = Math.max(...s.concurrency);
  process.stderr.write(`starting PostgreSQL (fsync on) in ${dir}\n`);
  const server = await startEmbeddedPostgres({ dir, port, settings: { max_connections: String(maxConcurrency + 50) } });
  try {
    const owner = createDataSource(server.ownerUrl, { poolSize: 2 });
    await runMigrations(owner, {
      ownerUrl: server.ownerUrl,
      appUser: server.appUser,
      appPassword: server.appPassword,
      log: () => undefined,
    });
    await owner.query(PLAIN_TABLE);
    const [{ fsync, server_version }] = await owner.query<{ fsync: string; server_version: string }[]>(
      `SELECT current_setting('fsync') AS fsync, current_setting('server_version') AS server_version`,
    );
    await owner.destroy();

    const rows: ResultRow[] = [];
    for (const c of s.concurrency) {
      process.stderr.write(`log appends at ${c} concurrent...\n`);
      const batches: number[] = [];
      let batchMs = 0;
      const log = createAccessLogWriter({
        connectionString: server.appUrl,
        maxBatch: s.batch,
        statementTimeoutMs: 5000,
        onBatch: (n, ms) => {
          batches.push(n);
          batchMs += ms;
        },
      });
      const chained = await closedLoop(c, s, server.dataDir, (w, q) => log.writer.append(entry(w, q)));
      await log.close();

      process.stderr.write(`plain INSERTs at ${c} concurrent...\n`);
      const pool = new pg.Pool({ connectionString: server.appUrl, max: c });
      pool.on('error', () => undefined);
      let n = 0;
      const plain = await closedLoop(c, s, server.dataDir, (w, q) => {
        // The same serialisation work as the log does, only without the chain.
        const prepared = prepareEntry(entry(w, q));
        const col = prepared.columns;
        const bytes = sealEntry(prepared, n++, new Date().toISOString());
        return pool.query(PLAIN_INSERT, [
          bytes,
          col.action,
          col.decision,
          col.actorOrg,
          col.actorSub,
          col.ownerOrg,
          col.recipientOrg,
          col.crn,
          col.purpose,
          col.breakGlass,
        ]);
      });
      await pool.end();

      const meanBatch = batches.length ? batches.reduce((a, b) => a + b, 0) / batches.length : 0;
      const at64 = c === 64;
      rows.push(
        {
          name: `log append x${c}`,
          figure: Math.round(chained.perSecond),
          unit: 'appends/s',
          ...(at64 ? { target: 10_000 } : {}),
          note: noteOf(
            chained,
            `mean batch ${meanBatch.toFixed(1)} in ${(batchMs / Math.max(1, batches.length)).toFixed(2)} ms`,
          ),
        },
        { name: `log append x${c} p50`, figure: chained.p50, unit: 'ms', better: 'lower' },
        {
          name: `log append x${c} p99`,
          figure: chained.p99,
          unit: 'ms',
          better: 'lower',
          ...(at64 ? { target: 10 } : {}),
        },
        { name: `plain INSERT x${c}`, figure: Math.round(plain.perSecond), unit: 'rows/s', note: noteOf(plain) },
        { name: `plain INSERT x${c} p50`, figure: plain.p50, unit: 'ms', better: 'lower' },
        { name: `plain INSERT x${c} p99`, figure: plain.p99, unit: 'ms', better: 'lower' },
        {
          name: `log / plain x${c}`,
          figure: Math.round((chained.perSecond / plain.perSecond) * 100) / 100,
          unit: 'ratio',
          ...(at64 ? { target: 0.6 } : {}),
        },
      );
    }
    const cpus = os.cpus();
    await printTable(rows, {
      title: `Access-log appends vs plain INSERTs (PostgreSQL ${server_version}, fsync=${fsync}, ${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, ${s.durationMs} ms per run)`,
      json: s.json,
      meta: {
        settings: s,
        postgres: server_version,
        fsync,
        cpus: cpus.length,
        cpuModel: cpus[0]?.model,
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
      },
    });
  } finally {
    await server.stop('fast');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`log-append benchmark failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
