// One-off measurement (issue 17 item 4): does storing the Merkle tree as C2SP hash tiles instead of
// one row per node cut the cost of an append? Appends the same leaves, in batches as the log's
// group commit makes them, to two tables on a fresh embedded PostgreSQL (fsync on), one
// transaction per batch, one after the other on one connection:
//
// - nodes: what the gateway stores today, one row (level, idx, hash) per complete subtree of level
//   1 and up (leaf hashes ride in the entry's own row);
// - tiles: one row (level, idx, width, bytes) per tile a batch touched, append-only (a partial
//   tile is written again, wider, by every batch that extends it), tile level 0 holding the leaf
//   hashes (which would then leave the entry's row).
//
//   node scripts/build.mjs && node dist/bench/tile-storage/run.js [--entries 50000] [--batches 1,16,128,512] [--rounds 3]
//     --entries N    leaves appended per batch size and round (batch size 1 appends N/20)
//     --rounds R     rounds, each on fresh tables, the two designs alternating; figures are medians
//                    (the machine may be shared: one round alone can be far off)
//     --json [file]  JSON to stdout (table to stderr), or also to a file
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { getFreePort } from '../lib/spawn.js';
import { printTable, type ResultRow } from '../lib/table.js';
import { startEmbeddedPostgres } from '../../src/shared/database/embedded-postgres.js';
import { appendLeaves, EMPTY_FRONTIER, type Frontier } from '../../src/modules/access-log/domain/merkle/index.js';
import { TILE_WIDTH } from '../../src/modules/access-log/domain/note/index.js';

const TILE_HEIGHT = 8;

function parseArgs(argv: string[]): { entries: number; batches: number[]; rounds: number; json: boolean | string } {
  const s = { entries: 50_000, batches: [1, 16, 128, 512], rounds: 3, json: false as boolean | string };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--entries') s.entries = Number(argv[++i]);
    else if (argv[i] === '--rounds') s.rounds = Number(argv[++i]);
    else if (argv[i] === '--batches') s.batches = (argv[++i] ?? '').split(',').map(Number);
    else if (argv[i] === '--json') s.json = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
    else throw new Error(`unknown option ${argv[i]} (--entries N, --batches a,b,c, --rounds R, --json [file])`);
  }
  if (!(s.entries > 0) || !(s.rounds > 0) || !s.batches.every((b) => b > 0))
    throw new Error('--entries, --batches and --rounds must be positive');
  return s;
}

/** The rows each design writes for one batch of leaves. */
interface BatchWrites {
  nodes: { level: number; idx: number; hash: Buffer }[];
  tiles: { level: number; idx: number; width: number; data: Buffer }[];
}

class Writes {
  private frontier: Frontier = EMPTY_FRONTIER;
  /** Hashes of tree levels 0, 8, 16, ... (the levels tiles hold), by index. */
  private readonly tileLevels = new Map<number, Buffer[]>();

  batch(leaves: Buffer[]): BatchWrites {
    const first = this.frontier.size;
    const { frontier, newNodes } = appendLeaves(this.frontier, leaves);
    this.frontier = frontier;
    const level0 = this.level(0);
    level0.push(...leaves);
    const touched = new Map<number, Set<number>>([
      [0, new Set(leaves.map((_, i) => Math.floor((first + i) / TILE_WIDTH)))],
    ]);
    const nodes: BatchWrites['nodes'] = [];
    for (const n of newNodes) {
      if (n.level === 0) continue;
      nodes.push({ level: n.level, idx: n.index, hash: n.hash });
      if (n.level % TILE_HEIGHT === 0) {
        const t = n.level / TILE_HEIGHT;
        this.level(t)[n.index] = n.hash;
        if (!touched.has(t)) touched.set(t, new Set());
        touched.get(t)?.add(Math.floor(n.index / TILE_WIDTH));
      }
    }
    const tiles: BatchWrites['tiles'] = [];
    for (const [t, idxs] of touched) {
      const hashes = this.level(t);
      for (const k of idxs) {
        const width = Math.min(TILE_WIDTH, hashes.length - k * TILE_WIDTH);
        tiles.push({
          level: t,
          idx: k,
          width,
          data: Buffer.concat(hashes.slice(k * TILE_WIDTH, k * TILE_WIDTH + width)),
        });
      }
    }
    return { nodes, tiles };
  }

  private level(t: number): Buffer[] {
    let l = this.tileLevels.get(t);
    if (!l) this.tileLevels.set(t, (l = []));
    return l;
  }
}

const TABLES = `
  DROP TABLE IF EXISTS b_nodes, b_tiles;
  CREATE TABLE b_nodes (level smallint NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (level, idx));
  CREATE TABLE b_tiles (level smallint NOT NULL, idx bigint NOT NULL, width smallint NOT NULL, data bytea NOT NULL,
                        PRIMARY KEY (level, idx, width));`;
const INSERT_NODES = `INSERT INTO b_nodes SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`;
const INSERT_TILES = `INSERT INTO b_tiles SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::smallint[], $4::bytea[])`;

async function main(): Promise<void> {
  const s = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-bench-tiles-'));
  process.stderr.write(`starting PostgreSQL (fsync on) in ${dir}\n`);
  const server = await startEmbeddedPostgres({ dir, port: await getFreePort() });
  const c = new pg.Client({ connectionString: server.ownerUrl });
  await c.connect();
  const rows: ResultRow[] = [];
  try {
    for (const batch of s.batches) {
      await c.query(TABLES);
      const total = batch === 1 ? Math.min(s.entries, Math.ceil(s.entries / 20)) : s.entries;
      const plan = new Writes();
      const batches: BatchWrites[] = [];
      for (let done = 0; done < total; done += batch) {
        const leaves = Array.from({ length: Math.min(batch, total - done) }, () => randomBytes(32));
        batches.push(plan.batch(leaves));
      }
      const time = async (write: (b: BatchWrites) => Promise<unknown>): Promise<number> => {
        const start = process.hrtime.bigint();
        for (const b of batches) {
          await c.query('BEGIN');
          await write(b);
          await c.query('COMMIT');
        }
        return Number(process.hrtime.bigint() - start) / 1e3 / total;
      };
      const nodes = (b: BatchWrites) =>
        c.query(INSERT_NODES, [b.nodes.map((n) => n.level), b.nodes.map((n) => n.idx), b.nodes.map((n) => n.hash)]);
      const tiles = (b: BatchWrites) =>
        c.query(INSERT_TILES, [
          b.tiles.map((t) => t.level),
          b.tiles.map((t) => t.idx),
          b.tiles.map((t) => t.width),
          b.tiles.map((t) => t.data),
        ]);
      const runs = { nodes: [] as number[], tiles: [] as number[], empty: [] as number[] };
      for (let r = 0; r < s.rounds; r++) {
        if (r > 0) await c.query(TABLES);
        // Alternate which design goes first, so neither always meets a warmer (or busier) server.
        const order: ['nodes' | 'tiles', (b: BatchWrites) => Promise<unknown>][] = [
          ['nodes', nodes],
          ['tiles', tiles],
        ];
        for (const [name, write] of r % 2 === 0 ? order : order.reverse()) runs[name].push(await time(write));
        runs.empty.push(await time(() => c.query('SELECT 1')));
      }
      const [nodesUs, tilesUs, emptyUs] = [median(runs.nodes), median(runs.tiles), median(runs.empty)];
      const [size] = (
        await c.query<{ nodes: string; tiles: string }>(
          `SELECT pg_total_relation_size('b_nodes') AS nodes, pg_total_relation_size('b_tiles') AS tiles`,
        )
      ).rows;
      const bytesPer = (n: string) => Math.round(Number(n) / total);
      const nodeRows = batches.reduce((n, b) => n + b.nodes.length, 0);
      const tileRows = batches.reduce((n, b) => n + b.tiles.length, 0);
      const tileBytes = batches.reduce((n, b) => n + b.tiles.reduce((m, t) => m + t.data.length, 0), 0);
      rows.push(
        {
          name: `batch ${batch}: nodes, per entry`,
          figure: round(nodesUs),
          unit: 'µs',
          note: `${(nodeRows / total).toFixed(2)} rows, ${bytesPer(size.nodes)} B on disk per entry`,
        },
        {
          name: `batch ${batch}: tiles, per entry`,
          figure: round(tilesUs),
          unit: 'µs',
          baseline: round(nodesUs),
          note: `${(tileRows / total).toFixed(3)} rows, ${Math.round(tileBytes / total)} B of tiles written, ${bytesPer(size.tiles)} B on disk per entry`,
        },
        {
          name: `batch ${batch}: round trips alone (no write), per entry`,
          figure: round(emptyUs),
          unit: 'µs',
          note: `${total} entries in ${batches.length} transactions`,
        },
      );
    }
    await printTable(rows, {
      title: 'Hash storage per append: one row per node vs hash tiles',
      json: s.json,
      meta: { settings: s },
    });
  } finally {
    await c.end();
    await server.stop('fast');
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await main();
