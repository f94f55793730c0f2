// Worker of the parallel verifier: checks whole blocks of 2^k entries (complete subtrees, so
// independent of every other block) inside the snapshot the coordinator exported, and returns
// each block's subtree hash. Same checks as the module's verifier for the entries and nodes it
// covers: leaf hash from the stored bytes, the index inside the bytes, timestamps in order, every
// stored node of the block's subtree.
import { parentPort, workerData } from 'node:worker_threads';
import { hash } from 'node:crypto';
import pg from 'pg';
import { appendLeaves, EMPTY_FRONTIER } from '../../src/modules/access-log/domain/merkle/index.js';

export interface BlockJob {
  id: number;
  from: number;
  to: number;
}

export interface BlockResult {
  id: number;
  from: number;
  to: number;
  /** Frontier of the block's own subtree(s): one hash for a full block. */
  hashes: string[];
  firstTs: string;
  lastTs: string;
  nodes: number;
  problems: string[];
}

const { url, snapshot } = workerData as { url: string; snapshot: string };
// Each entry comes prefixed with 0x00, so its RFC 9162 leaf hash is one one-shot crypto.hash
// (no Hash object per entry). base64 as in the module: pg 8 has no binary result mode.
const ENTRIES = `SELECT idx, encode(leaf_hash, 'base64'), encode('\\x00'::bytea || entry, 'base64') FROM access_log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx`;
const NODES = `SELECT n.level, n.idx, encode(n.hash, 'base64') FROM unnest($1::smallint[], $2::bigint[], $3::bigint[]) AS r(level, lo, hi)
  JOIN access_log_nodes n ON n.level = r.level AND n.idx BETWEEN r.lo AND r.hi`;
const INDEX_KEY = Buffer.from('"index":');

const client = new pg.Client({ connectionString: url, application_name: 'bench-parallel-verify' });
client.on('error', () => undefined);
const ready = (async () => {
  await client.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await client.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
  await client.query(`SET LOCAL enable_bitmapscan = off`);
})();

function indexInBytes(bytes: Buffer): number | null {
  const at = bytes.indexOf(INDEX_KEY);
  if (at < 0) return null;
  let n = 0;
  let i = at + INDEX_KEY.length;
  const start = i;
  for (; i < bytes.length && bytes[i] >= 0x30 && bytes[i] <= 0x39; i++) n = n * 10 + (bytes[i] - 0x30);
  return i > start && bytes[i] === 0x2c ? n : null;
}

function timestampInBytes(bytes: Buffer): string | null {
  const tail = bytes.toString('latin1', Math.max(0, bytes.length - 48));
  const at = tail.lastIndexOf('"timestamp":"');
  if (at < 0 || !tail.endsWith('"}')) return null;
  return tail.slice(at + 13, -2);
}

/** Levels and index ranges of the interior nodes inside [from, to) when `from` is block-aligned. */
function nodeRanges(from: number, to: number): [number[], number[], number[]] {
  const levels: number[] = [];
  const lows: number[] = [];
  const highs: number[] = [];
  for (let level = 1, width = 2; width <= to - from; level++, width *= 2) {
    levels.push(level);
    lows.push(from / width);
    highs.push(Math.floor(to / width) - 1);
  }
  return [levels, lows, highs];
}

async function check(job: BlockJob, fetched: Promise<[pg.QueryArrayResult, pg.QueryArrayResult]>): Promise<BlockResult> {
  const [entries, nodes] = await fetched;
  const problems: string[] = [];
  const leaves = new Array<Buffer>(job.to - job.from);
  let next = job.from;
  let firstTs = '';
  let prevTs = '';
  for (const [idx, stored, encoded] of entries.rows as [string, string, string][]) {
    const prefixed = Buffer.from(encoded, 'base64');
    const index = Number(idx);
    if (index !== next) {
      problems.push(`entry ${next} is missing`);
      break;
    }
    next++;
    const bytes = prefixed.subarray(1);
    const leaf = hash('sha256', prefixed, 'buffer') as unknown as Buffer;
    leaves[index - job.from] = leaf;
    if (leaf.toString('base64') !== stored) problems.push(`entry ${index}: bytes do not hash to the stored leaf hash`);
    if (indexInBytes(bytes) !== index) problems.push(`entry ${index}: index field differs`);
    const ts = timestampInBytes(bytes);
    if (ts === null || ts < prevTs) problems.push(`entry ${index}: timestamp goes back`);
    else prevTs = ts;
    if (!firstTs) firstTs = ts ?? '';
  }
  if (next !== job.to) {
    problems.push(`entries ${next}..${job.to - 1} missing`);
    return { id: job.id, from: job.from, to: job.to, hashes: [], firstTs, lastTs: prevTs, nodes: 0, problems };
  }
  // The block as a tree of its own: node (L, i) of the block is node (L, from / 2^L + i) of the log.
  const built = appendLeaves(EMPTY_FRONTIER, leaves);
  const expected = new Map<string, Buffer>();
  for (const n of built.newNodes) if (n.level > 0) expected.set(`${n.level}/${job.from / 2 ** n.level + n.index}`, n.hash);
  for (const [level, idx, stored] of nodes.rows as [number, string, string][]) {
    const key = `${level}/${idx}`;
    const want = expected.get(key);
    if (want && want.toString('base64') !== stored) problems.push(`node ${key} differs from the rebuilt tree`);
    expected.delete(key);
  }
  for (const key of expected.keys()) problems.push(`node ${key} is missing`);
  return { id: job.id, from: job.from, to: job.to, hashes: built.frontier.hashes.map((h) => h.toString('base64')), firstTs, lastTs: prevTs, nodes: nodes.rows.length, problems };
}

// Queries are queued on the one connection as jobs arrive, so the next block is fetched while
// this one is hashed; results go back in arrival order.
let chain: Promise<unknown> = ready;
let queries: Promise<unknown> = ready;
parentPort!.on('message', (job: BlockJob | 'stop') => {
  if (job === 'stop') {
    chain = chain.then(() => client.query('ROLLBACK')).then(() => client.end()).then(() => process.exit(0));
    return;
  }
  // pg 8 deprecates overlapping queries on one client: queue them ourselves.
  const entries: Promise<pg.QueryArrayResult> = queries.then(() => client.query({ text: ENTRIES, values: [job.from, job.to], rowMode: 'array' }));
  const nodes: Promise<pg.QueryArrayResult> = entries.then(() => client.query({ text: NODES, values: nodeRanges(job.from, job.to), rowMode: 'array' }));
  queries = nodes.catch(() => undefined);
  const fetched = Promise.all([entries, nodes]);
  fetched.catch(() => undefined);
  chain = chain.then(() => check(job, fetched)).then(
    (r) => parentPort!.postMessage(r),
    (e: Error) => parentPort!.postMessage({ id: job.id, from: job.from, to: job.to, hashes: [], firstTs: '', lastTs: '', nodes: 0, problems: [`worker: ${e.message}`] }),
  );
});
