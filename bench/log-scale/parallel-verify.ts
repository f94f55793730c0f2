// Parallel full verification of the access log (a candidate for log:verify at scale).
//
// The module's verifier is one stream: one connection, one thread hashing. Here the log is cut
// into blocks of 2^k entries, each a complete subtree whose stored nodes depend on nothing
// outside it, and worker threads check blocks (each on its own connection, all inside one
// exported snapshot). The coordinator then rebuilds the top of the tree from the block hashes,
// compares the stored nodes above the blocks, the node count and the head's frontier, and checks
// timestamps across block boundaries. Not covered here (the module's verifier does them, they are
// O(checkpoints), not O(entries)): checkpoint roots, signatures and consistency proofs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { appendLeaves, EMPTY_FRONTIER, frontierFromJson, popCount } from '../../src/modules/access-log/domain/merkle/index.js';
import type { BlockJob, BlockResult } from './verify-worker.js';

export interface ParallelVerifyOptions {
  url: string;
  workers: number;
  /** log2 of the block size; default 16 (65,536 entries). */
  blockBits?: number;
  onProgress?: (verified: number, total: number) => void;
}

export interface ParallelVerifyReport {
  ok: boolean;
  entries: number;
  nodes: number;
  problems: string[];
  elapsedMs: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export async function verifyParallel(o: ParallelVerifyOptions): Promise<ParallelVerifyReport> {
  const started = performance.now();
  const bits = o.blockBits ?? 16;
  const block = 2 ** bits;
  const coord = new pg.Client({ connectionString: o.url });
  coord.on('error', () => undefined);
  await coord.connect();
  const problems: string[] = [];
  const workers: Worker[] = [];
  try {
    await coord.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [{ snapshot }] = (await coord.query('SELECT pg_export_snapshot() AS snapshot')).rows as { snapshot: string }[];
    const [head] = (await coord.query('SELECT size, frontier FROM access_log_head WHERE id = 1')).rows as { size: string; frontier: unknown }[];
    const size = Number(head.size);
    const jobs: BlockJob[] = [];
    for (let from = 0, id = 0; from < size; from += block, id++) jobs.push({ id, from, to: Math.min(size, from + block) });

    const results = new Array<BlockResult>(jobs.length);
    let nextJob = 0;
    let done = 0;
    let verified = 0;
    await new Promise<void>((resolve, reject) => {
      if (!jobs.length) return resolve();
      const count = Math.max(1, Math.min(o.workers, jobs.length));
      for (let w = 0; w < count; w++) {
        const worker = new Worker(path.join(here, 'verify-worker.js'), { workerData: { url: o.url, snapshot } });
        workers.push(worker);
        worker.on('error', reject);
        worker.on('message', (r: BlockResult) => {
          results[r.id] = r;
          done++;
          verified += r.to - r.from;
          o.onProgress?.(verified, size);
          if (nextJob < jobs.length) worker.postMessage(jobs[nextJob++]);
          if (done === jobs.length) resolve();
        });
        // Two jobs in flight per worker: the second block is fetched while the first is hashed.
        for (let k = 0; k < 2 && nextJob < jobs.length; k++) worker.postMessage(jobs[nextJob++]);
      }
    });

    let nodes = 0;
    const blockRoots: Buffer[] = [];
    let partial: Buffer[] = [];
    let prevTs = '';
    for (const r of results) {
      problems.push(...r.problems.slice(0, 100));
      nodes += r.nodes;
      if (r.firstTs && r.firstTs < prevTs) problems.push(`entry ${r.from}: timestamp earlier than entry ${r.from - 1}'s`);
      prevTs = r.lastTs || prevTs;
      const hashes = r.hashes.map((h) => Buffer.from(h, 'base64'));
      if (r.to - r.from === block) blockRoots.push(hashes[0] ?? Buffer.alloc(32));
      else partial = hashes;
    }
    // The tree above the blocks: block roots are its leaves, so its level L is the log's bits + L.
    const upper = appendLeaves(EMPTY_FRONTIER, blockRoots);
    const expected = new Map<string, Buffer>();
    for (const n of upper.newNodes) if (n.level > 0) expected.set(`${bits + n.level}/${n.index}`, n.hash);
    const stored = (await coord.query({ text: `SELECT level, idx, encode(hash, 'base64') FROM access_log_nodes WHERE level > $1`, values: [bits], rowMode: 'array' })).rows as [number, string, string][];
    for (const [level, idx, hash] of stored) {
      const key = `${level}/${idx}`;
      const want = expected.get(key);
      if (want && want.toString('base64') !== hash) problems.push(`node ${key} differs from the rebuilt tree`);
      expected.delete(key);
    }
    for (const key of expected.keys()) problems.push(`node ${key} is missing`);
    nodes += stored.length;
    const [{ n }] = (await coord.query('SELECT count(*)::bigint AS n FROM access_log_nodes')).rows as { n: string }[];
    if (Number(n) !== size - popCount(size)) problems.push(`access_log_nodes has ${n} rows, a tree of ${size} has ${size - popCount(size)}`);
    const rebuilt = [...upper.frontier.hashes, ...partial];
    const headFrontier = frontierFromJson(head.frontier);
    if (headFrontier.size !== size || headFrontier.hashes.length !== rebuilt.length || headFrontier.hashes.some((h, i) => !h.equals(rebuilt[i]))) {
      problems.push(`the head's frontier differs from the tree rebuilt from the entries`);
    }
    const [extra] = (await coord.query('SELECT idx FROM access_log_entries WHERE idx >= $1 LIMIT 1', [size])).rows as { idx: string }[];
    if (extra) problems.push(`entry ${extra.idx} lies beyond the head (size ${size})`);
    return { ok: problems.length === 0, entries: size, nodes, problems, elapsedMs: performance.now() - started };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await coord.query('ROLLBACK').catch(() => undefined);
    await coord.end().catch(() => undefined);
  }
}
