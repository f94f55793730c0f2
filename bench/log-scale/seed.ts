// Bulk path for a big access log: generates `total` realistic entries (canonical bytes and leaf
// hashes exactly as the sequencer makes them), rebuilds the tree with the module's appendLeaves
// and stores every complete-subtree node and the head, as the sequencer would have.
//
// Speed comes from (1) binary COPY files read by the server itself (COPY FROM '<file>' as the
// superuser: the embedded server runs on this machine; no text parsing), (2) pipelining: node
// builds chunk k+1 while PostgreSQL loads chunk k, so both cores work, and (3) building the
// secondary indexes of access_log_entries once at the end (their definitions are read from
// pg_indexes and recreated verbatim) instead of updating five B-trees row by row.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Random } from '../../src/demo/synthetic/index.js';
import { sealEntry } from '../../src/modules/access-log/domain/prepared-entry.js';
import {
  appendLeaves,
  EMPTY_FRONTIER,
  frontierToJson,
  type Frontier,
} from '../../src/modules/access-log/domain/merkle/index.js';
import {
  CopyWriter,
  ENTRY_COLUMNS,
  entryInput,
  fastPrepare,
  prepareEntry,
  timestampMsOf,
  writeEntryTuple,
  type EntryShape,
} from './entries.js';

export interface SeedOptions {
  ownerUrl: string;
  total: number;
  /** Entries per COPY file. Default 200,000. */
  chunk?: number;
  people?: number;
  staffPerOrg?: number;
  seed?: number;
  /** Where the COPY files go (the server must be able to read it); default a new directory under the OS temp dir. */
  copyDir?: string;
  onProgress?: (done: number) => void;
  log?: (m: string) => void;
}

export interface SeedResult {
  total: number;
  shape: EntryShape;
  loadMs: number;
  indexMs: number;
  analyzeMs: number;
  totalMs: number;
}

export async function seedLog(o: SeedOptions): Promise<SeedResult> {
  const log = o.log ?? (() => undefined);
  const chunk = o.chunk ?? 200_000;
  const now = Date.now();
  const shape: EntryShape = {
    people: o.people ?? 100_000,
    staffPerOrg: o.staffPerOrg ?? 400,
    startMs: now - 365 * 86_400_000,
    endMs: now - 60_000,
    total: o.total,
  };
  const client = new pg.Client({ connectionString: o.ownerUrl });
  client.on('error', () => undefined);
  await client.connect();
  // The server (user postgres when we are root) reads the files: a world-traversable directory.
  const dir = o.copyDir ?? (await mkdtemp(path.join(os.tmpdir(), 'gw-log-copy-')));
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  const t0 = performance.now();
  try {
    const [head] = (await client.query('SELECT size FROM access_log_head WHERE id = 1')).rows as { size: string }[];
    if (Number(head.size) !== 0) throw new Error(`the log already has ${head.size} entries; seed an empty one`);
    const indexes = (
      await client.query(
        `SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_index x ON x.indexrelid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
        WHERE i.tablename = 'access_log_entries' AND NOT x.indisprimary`,
      )
    ).rows as { indexname: string; indexdef: string }[];
    for (const ix of indexes) await client.query(`DROP INDEX ${ix.indexname}`);
    await client.query(`SET synchronous_commit = off`);

    let frontier: Frontier = EMPTY_FRONTIER;
    let loading: Promise<void> = Promise.resolve();
    let lastTs = 0;
    for (let from = 0; from < o.total; from += chunk) {
      const to = Math.min(o.total, from + chunk);
      const entries = new CopyWriter((to - from) * 900);
      const leaves = new Array<Buffer>(to - from);
      const rnd = new Random((o.seed ?? 42) * 1_000_003 + from);
      for (let i = from; i < to; i++) {
        lastTs = timestampMsOf(i, shape);
        const input = entryInput(i, shape, rnd);
        const prepared = fastPrepare(input);
        if (i % 997 === 0) {
          const ts = new Date(lastTs).toISOString();
          if (!sealEntry(prepared, i, ts).equals(sealEntry(prepareEntry(input), i, ts)))
            throw new Error(`fastPrepare differs from prepareEntry at entry ${i}`);
        }
        leaves[i - from] = writeEntryTuple(entries, i, prepared, lastTs);
      }
      const appended = appendLeaves(frontier, leaves);
      frontier = appended.frontier;
      const nodes = new CopyWriter(appended.newNodes.length * 60);
      for (const n of appended.newNodes) {
        if (n.level === 0) continue;
        nodes.tuple(3);
        nodes.smallint(n.level);
        nodes.bigint(n.index);
        nodes.bytes(n.hash);
      }
      const entryFile = path.join(dir, `entries-${from}.bin`);
      const nodeFile = path.join(dir, `nodes-${from}.bin`);
      await writeFile(entryFile, entries.finish(), { mode: 0o644 });
      await writeFile(nodeFile, nodes.finish(), { mode: 0o644 });
      // One load in flight: the server copies this chunk while the next one is generated.
      await loading;
      loading = (async () => {
        await client.query(`COPY access_log_entries (${ENTRY_COLUMNS}) FROM '${entryFile}' WITH (FORMAT binary)`);
        await client.query(`COPY access_log_nodes (level, idx, hash) FROM '${nodeFile}' WITH (FORMAT binary)`);
        await Promise.all([rm(entryFile), rm(nodeFile)]);
        o.onProgress?.(to);
      })();
    }
    await loading;
    await client.query(
      `UPDATE access_log_head SET size = $1, frontier = $2::jsonb, last_timestamp = $3, updated_at = now() WHERE id = 1`,
      [frontier.size, JSON.stringify(frontierToJson(frontier)), new Date(lastTs || now).toISOString()],
    );
    const loadMs = performance.now() - t0;

    log(`building ${indexes.length} indexes`);
    const t1 = performance.now();
    await client.query(`SET maintenance_work_mem = '1GB'`);
    for (const ix of indexes) await client.query(ix.indexdef);
    const indexMs = performance.now() - t1;
    const t2 = performance.now();
    await client.query('VACUUM ANALYZE access_log_entries');
    await client.query('VACUUM ANALYZE access_log_nodes');
    const analyzeMs = performance.now() - t2;
    return { total: o.total, shape, loadMs, indexMs, analyzeMs, totalMs: performance.now() - t0 };
  } finally {
    await client.end().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
