// Access log at scale: seeds N entries (default 10 million) through the bulk path, verifies the
// whole log with the module's verifier (log:verify's code), and measures IG searches, a subject
// access report and inclusion proofs over it.
//
// Searches run the module's own AccessLogRepository (the SQL the IG endpoints run, scoped to one
// organisation's IG as a police reviewer would be) on a pg pool, plus the JSON parse of each
// returned entry the service does. Not included: HTTP, token checks and the log entry the service
// appends for each search (those are the summary-read and log-append benchmarks' figures).
//
//   npm run build && node dist/bench/log-scale/run.js [--entries 10000000] [--samples 400] [--workers 2] [--quiet-timeout 60000] [--skip-verify] [--keep] [--json file]
//
// BENCH_BEFORE_ROOT=<another built checkout> also runs that checkout's own log:verify over the same
// log, after this one's (npm run bench sets it to the --before commit's build).
import { execFile } from 'node:child_process';
import { hash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source.js';
import { progressBar } from '../../src/demo/synthetic/index.js';
import { copyBinaryRows } from '../../src/shared/database/binary-copy.js';
import { startEmbeddedPostgres } from '../../src/shared/database/embedded-postgres.js';
import { runMigrations } from '../../src/shared/database/migrate.js';
import { verifyAccessLog } from '../../src/modules/access-log/application/log-verifier.js';
import { nodeHash, nodeHashEngine, nodeHashReady } from '../../src/modules/access-log/domain/merkle/index.js';
import type { AccessLogFilter } from '../../src/modules/access-log/domain/access-log-reader.port.js';
import { AccessLogRepository } from '../../src/modules/access-log/infrastructure/access-log.repository.js';
import { AccessLogProofs } from '../../src/modules/access-log/application/access-log.proofs.js';
import { Random } from '../../src/demo/synthetic/index.js';
import { LatencyHistogram } from '../lib/histogram.js';
import { getFreePort } from '../lib/spawn.js';
import { waitForQuiet } from '../lib/system.js';
import { printTable, type ResultRow } from '../lib/table.js';
import { crnOf, ORGS, subOf } from './entries.js';
import { seedLog } from './seed.js';

const execFileAsync = promisify(execFile);

interface Settings {
  entries: number;
  samples: number;
  keep: boolean;
  skipVerify: boolean;
  json: boolean | string;
  workers: number;
  quietTimeoutMs: number;
}

function parse(argv: string[]): Settings {
  const s: Settings = {
    entries: 10_000_000,
    samples: 400,
    keep: false,
    skipVerify: false,
    json: false,
    workers: Math.max(1, os.availableParallelism()),
    quietTimeoutMs: 60_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${a} needs a positive integer`);
      return v;
    };
    if (a === '--entries') s.entries = num();
    else if (a === '--samples') s.samples = num();
    else if (a === '--workers') s.workers = num();
    else if (a === '--quiet-timeout') s.quietTimeoutMs = num();
    else if (a === '--keep') s.keep = true;
    else if (a === '--skip-verify') s.skipVerify = true;
    else if (a === '--json') s.json = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
    else throw new Error(`unknown argument ${a} (see the header of bench/log-scale/run.ts)`);
  }
  return s;
}

const log = (m: string) => process.stderr.write(`${m}\n`);
const busy = (q: { quiet: boolean; foreignPercent: number }) =>
  q.quiet ? '' : `; BUSY machine: others used ${Math.round(q.foreignPercent)}% of a core`;

async function timed(
  samples: number,
  fn: (i: number) => Promise<unknown>,
): Promise<{ p50: number; p95: number; p99: number; mean: number }> {
  for (let i = 0; i < Math.min(20, samples); i++) await fn(-1 - i); // warm the plan cache and buffers
  const h = new LatencyHistogram();
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await fn(i);
    const ms = performance.now() - t;
    h.recordMs(ms);
    sum += ms;
  }
  return { p50: h.percentileMs(50), p95: h.percentileMs(95), p99: h.percentileMs(99), mean: sum / samples };
}

async function main(): Promise<void> {
  const s = parse(process.argv.slice(2));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-bench-logscale-'));
  const port = await getFreePort();
  log(`starting PostgreSQL in ${dir}`);
  const server = await startEmbeddedPostgres({
    dir,
    port,
    settings: {
      shared_buffers: '2GB',
      max_wal_size: '16GB',
      checkpoint_timeout: '30min',
      maintenance_work_mem: '1GB',
      effective_cache_size: '16GB',
      random_page_cost: '1.1',
    },
  });
  const rows: ResultRow[] = [];
  // Interrupted (Ctrl-C, or npm run bench stopped): leave no server or gigabytes behind.
  const abort = () => {
    log('interrupted: stopping PostgreSQL and removing the data');
    // Queries in flight fail once the server is gone; nothing is left to report.
    process.on('unhandledRejection', () => undefined).on('uncaughtException', () => undefined);
    void server
      .stop('immediate')
      .finally(() => rm(dir, { recursive: true, force: true }).finally(() => process.exit(130)));
  };
  process.once('SIGINT', abort).once('SIGTERM', abort);
  try {
    const owner = createDataSource(server.ownerUrl, { poolSize: 2 });
    await runMigrations(owner, {
      ownerUrl: server.ownerUrl,
      appUser: server.appUser,
      appPassword: server.appPassword,
      log: () => undefined,
    });
    await owner.destroy();

    const bar = progressBar('seeding log entries', s.entries);
    const seeded = await seedLog({
      ownerUrl: server.ownerUrl,
      total: s.entries,
      copyDir: path.join(dir, 'copy'),
      onProgress: (n) => bar.update(n),
      log,
    });
    bar.finish();
    const sizeClient = new pg.Client({ connectionString: server.ownerUrl });
    await sizeClient.connect();
    const [{ bytes }] = (await sizeClient.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS bytes`))
      .rows as { bytes: string }[];
    await sizeClient.end();
    log(
      `seeded ${s.entries} in ${(seeded.totalMs / 1000).toFixed(1)} s (load ${(seeded.loadMs / 1000).toFixed(1)} s, indexes ${(seeded.indexMs / 1000).toFixed(1)} s, analyze ${(seeded.analyzeMs / 1000).toFixed(1)} s); database ${bytes}`,
    );
    rows.push({
      name: `log seed ${s.entries.toLocaleString('en-GB')} entries`,
      figure: Math.round(s.entries / (seeded.totalMs / 1000)),
      unit: 'entries/s',
      note: `${(seeded.totalMs / 1000).toFixed(0)} s incl. indexes ${(seeded.indexMs / 1000).toFixed(0)} s; db ${bytes}`,
    });

    // Verification: the module's verifier (what npm run log:verify runs) with its worker threads,
    // then in-process on one thread; the baseline is the physical floor: the same rows moved by
    // the same binary COPY with nothing checked.
    if (!s.skipVerify) await verification();
    async function verification() {
      const client = new pg.Client({ connectionString: server.appUrl });
      client.on('error', () => undefined);
      await client.connect();
      const q0 = await waitForQuiet({ maxForeignPercent: 25, timeoutMs: s.quietTimeoutMs });
      const t = performance.now();
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const moved = await copyBinaryRows(
        client,
        'SELECT idx, leaf_hash, entry FROM access_log_entries ORDER BY idx',
        () => undefined,
      );
      await client.query('ROLLBACK');
      const copyRate = Math.round(moved / ((performance.now() - t) / 1000));
      log(`binary COPY of every entry, nothing checked: ${copyRate}/s`);

      const verify = async (workers: number, label: string) => {
        const bar = progressBar(label, s.entries);
        const report = await verifyAccessLog(client, {
          workers,
          connectionString: server.appUrl,
          onProgress: (p) => bar.update(p.verified),
          progressEveryMs: 500,
        });
        bar.finish();
        if (!report.ok)
          throw new Error(`the seeded log does not verify: ${JSON.stringify(report.problems.slice(0, 5))}`);
        log(`${label}: ${report.entriesChecked} entries, ${report.nodesChecked} nodes OK in ${report.elapsedMs} ms`);
        return report;
      };
      const q1 = await waitForQuiet({ maxForeignPercent: 25, timeoutMs: s.quietTimeoutMs });
      const parallel = await verify(s.workers, `log:verify (${s.workers} workers)`);
      const q2 = await waitForQuiet({ maxForeignPercent: 25, timeoutMs: s.quietTimeoutMs });
      const cpuBefore = process.cpuUsage();
      const single = await verify(1, 'log:verify (in-process)');
      const cpu = process.cpuUsage(cpuBefore);
      const cpuPerEntryUs = (cpu.user + cpu.system) / single.entriesChecked;
      await client.end();
      const before = await verifyBefore();
      const hashing = await nodeHashCosts();
      const rate = (r: { entriesChecked: number; elapsedMs: number }) =>
        Math.round(r.entriesChecked / (r.elapsedMs / 1000));
      rows.push(
        {
          name: `log verify (log:verify, ${s.workers} workers)`,
          figure: rate(parallel),
          unit: 'entries/s',
          target: 250_000,
          baseline: copyRate,
          note: `${(parallel.elapsedMs / 1000).toFixed(1)} s, ${parallel.nodesChecked.toLocaleString('en-GB')} nodes; baseline = the same rows by binary COPY, unchecked${busy(q1)}${busy(q0)}`,
        },
        ...(before ? [before] : []),
        {
          name: 'log verify (log:verify --workers 1)',
          figure: rate(single),
          unit: 'entries/s',
          note: `${(single.elapsedMs / 1000).toFixed(1)} s, in-process${busy(q2)}`,
        },
        {
          name: 'log verify: verifier CPU per entry',
          figure: Number(cpuPerEntryUs.toFixed(2)),
          unit: 'us',
          note: `this process during the in-process run (PostgreSQL apart): one core could check about ${Math.round(1e6 / cpuPerEntryUs).toLocaleString('en-GB')} entries/s; less sensitive to other jobs than the rates`,
        },
        {
          name: 'interior node hash: WebAssembly (hash-wasm)',
          figure: Number(hashing.wasm.toFixed(3)),
          unit: 'us',
          baseline: Number(hashing.node.toFixed(3)),
          note: `CPU per 65-byte RFC 9162 node hash (nodeHash on ${nodeHashEngine()}); baseline: Node's crypto.hash, same input, same run`,
        },
      );
    }

    /**
     * The log:verify CLI of another build (BENCH_BEFORE_ROOT: the gateway before a change) over
     * the same log, as a row with no target; a row saying why when it was not measured or failed.
     */
    async function verifyBefore(): Promise<ResultRow | null> {
      const root = process.env.BENCH_BEFORE_ROOT;
      const name = `log verify before (log:verify, ${s.workers} workers)`;
      const notMeasured = (why: string): ResultRow => ({
        name,
        figure: NaN,
        unit: 'entries/s',
        note: `not measured: ${why}`,
      });
      if (!root) return process.env.BENCH_BEFORE_SKIPPED ? notMeasured(process.env.BENCH_BEFORE_SKIPPED) : null;
      const label = process.env.BENCH_BEFORE_LABEL ?? `the log:verify of ${root}`;
      try {
        const quiet = await waitForQuiet({ maxForeignPercent: 25, timeoutMs: s.quietTimeoutMs });
        log(`${label} (${s.workers} workers)...`);
        const { stdout } = await execFileAsync(
          process.execPath,
          [path.join(root, 'dist/scripts/log-verify.js'), '--json', '--workers', String(s.workers)],
          { cwd: root, env: { ...process.env, DATABASE_URL: server.appUrl }, maxBuffer: 64 * 2 ** 20 },
        );
        const report = JSON.parse(stdout) as { ok: boolean; entriesChecked: number; elapsedMs: number };
        if (!report.ok || report.entriesChecked !== s.entries)
          return notMeasured(`${label} did not verify the seeded log: ${stdout.replace(/\s+/g, ' ').slice(0, 200)}`);
        log(`${label}: ${report.entriesChecked} entries OK in ${report.elapsedMs} ms`);
        return {
          name,
          figure: Math.round(report.entriesChecked / (report.elapsedMs / 1000)),
          unit: 'entries/s',
          note: `${label} over the same rows, same run: ${(report.elapsedMs / 1000).toFixed(1)} s${busy(quiet)}`,
        };
      } catch (e) {
        return notMeasured(`${label} failed: ${(e as Error).message.replace(/\s+/g, ' ').slice(0, 200)}`);
      }
    }

    /** CPU per interior-node hash both ways (nodeHash uses WebAssembly once loaded; crypto.hash is what it replaced). */
    async function nodeHashCosts(): Promise<{ wasm: number; node: number }> {
      await nodeHashReady;
      const left = randomBytes(32);
      const right = randomBytes(32);
      const scratch = Buffer.concat([Buffer.from([1]), left, right]);
      const per = (f: () => unknown) => {
        for (let i = 0; i < 20_000; i++) f();
        const n = 300_000;
        const t = process.cpuUsage();
        for (let i = 0; i < n; i++) f();
        const u = process.cpuUsage(t);
        return (u.user + u.system) / n;
      };
      return { wasm: per(() => nodeHash(left, right)), node: per(() => hash('sha256', scratch, 'buffer')) };
    }

    // Searches, as a police-cleveland IG reviewer (scope: that organisation).
    const pool = new pg.Pool({ connectionString: server.appUrl, max: 2 });
    pool.on('error', () => undefined);
    const db = {
      query: async (sql: string, params?: unknown[]) => (await pool.query<Record<string, unknown>>(sql, params)).rows,
    } as unknown as DataSource;
    const repo = new AccessLogRepository(db);
    const proofs = new AccessLogProofs(repo);
    const scope = { org: 'police-cleveland' };
    const rnd = new Random(7);
    const parseAll = (r: { bytes: Buffer | null }[]) =>
      r.map((e) => (e.bytes === null ? null : (JSON.parse(e.bytes.toString('utf8')) as unknown)));
    const span = seeded.shape.endMs - seeded.shape.startMs;
    const search = async (filter: AccessLogFilter, limit: number) =>
      parseAll(await repo.search(scope, filter, limit + 1));
    const q3 = await waitForQuiet({ maxForeignPercent: 25, timeoutMs: s.quietTimeoutMs });

    const byCrn = await timed(s.samples, () => search({ crn: crnOf(rnd.int(0, seeded.shape.people - 1)) }, 50));
    const byActor = await timed(s.samples, () => {
      const org = ORGS[rnd.int(0, ORGS.length - 1)];
      const from = seeded.shape.startMs + rnd.float() * (span - 30 * 86_400_000);
      return search(
        {
          actor: subOf(org, rnd.int(0, seeded.shape.staffPerOrg - 1)),
          from: new Date(from),
          to: new Date(from + 30 * 86_400_000),
        },
        50,
      );
    });
    const byOrgRange = await timed(s.samples, () => {
      const from = seeded.shape.startMs + rnd.float() * (span - 86_400_000);
      return search({ org: 'police-cleveland', from: new Date(from), to: new Date(from + 86_400_000) }, 50);
    });
    const sar = await timed(s.samples, async () => {
      // A subject access report reads every page of the person's accesses in the scope.
      const crn = crnOf(rnd.int(0, seeded.shape.people - 1));
      let before: number | undefined;
      for (;;) {
        const page = await repo.search(scope, { crn }, 101, before);
        parseAll(page.slice(0, 100));
        if (page.length <= 100) return;
        before = page[99].index;
      }
    });
    const size = s.entries;
    const proof = await timed(s.samples * 5, () => proofs.inclusion(rnd.int(0, size - 1), size));
    await pool.end();

    const p95 = (
      name: string,
      r: { p95: number; p50: number; p99: number },
      target: number | undefined,
      note: string,
    ): ResultRow => ({
      name,
      figure: r.p95,
      unit: 'ms p95',
      ...(target === undefined ? {} : { target }),
      better: 'lower',
      note: `p50 ${r.p50.toFixed(2)}, p99 ${r.p99.toFixed(2)} ms; ${note}${busy(q3)}`,
    });
    rows.push(
      p95('IG search by CRN', byCrn, 20, 'page of 50, scope police-cleveland'),
      p95('IG search by actor + 30-day range', byActor, 20, 'page of 50'),
      p95('IG search by org + 1-day range', byOrgRange, undefined, 'page of 50 (extra: time-range heavy)'),
      p95(
        'subject access report',
        sar,
        20,
        `every page of one CRN in scope (~${Math.round(s.entries / seeded.shape.people / 5)} entries)`,
      ),
      p95(`inclusion proof at ${size.toLocaleString('en-GB')}`, proof, 2, 'AccessLogProofs.inclusion, incl. head read'),
    );
    await printTable(rows, {
      title: `Access log at ${s.entries.toLocaleString('en-GB')} entries`,
      json: s.json,
      meta: { settings: s },
    });
  } finally {
    await server.stop('fast');
    if (!s.keep) await rm(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`log-scale benchmark failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
