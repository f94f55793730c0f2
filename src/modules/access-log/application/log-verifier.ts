/**
 * Full verification of the stored access log against itself and its signed checkpoints
 * (`npm run log:verify`).
 *
 * In one consistent snapshot (REPEATABLE READ), every entry's RFC 9162 leaf hash is recomputed
 * from its stored bytes, the index inside the bytes and the order of timestamps are checked, the
 * tree is rebuilt with the same appender the sequencer uses, every stored complete-subtree node
 * and every checkpoint's root is compared with the rebuilt ones, each checkpoint's JWS is
 * verified with the gateway keys on record, RFC 9162 consistency proofs (served from stored
 * nodes) are checked between consecutive checkpoints, and finally the head row is compared with
 * the rebuilt frontier.
 *
 * The log is cut into blocks of 2^k entries: each is a set of complete subtrees that depends on
 * nothing outside it (log-verifier.block.ts), so blocks can be checked by worker threads, each on
 * its own connection inside this snapshot (pg_export_snapshot), while this coordinator rebuilds
 * the top of the tree from the block hashes in order. Hashing is most of the work (two SHA-256
 * per entry), so workers scale it across cores; with one worker, blocks are checked in-process.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { sourceUrl } from '@shared/core/source-root.js';
import type pg from 'pg';
import {
  EMPTY_ROOT,
  TreeBuilder,
  frontierFromJson,
  popCount,
  rootFromFrontier,
  type Frontier,
} from '../domain/merkle/index.js';
import { CheckpointVerifier } from './checkpoint-verifier.js';
import { verifyCosignatures } from './cosignature-verifier.js';
import {
  Findings,
  nodeRange,
  readSettings,
  verifyBlock,
  type BlockJob,
  type BlockResult,
  type VerificationProblem,
} from './log-verifier.block.js';
import { prunedSpans, type PrunedRange } from '../domain/pruned-range.js';

export type { VerificationProblem } from './log-verifier.block.js';

export interface VerifyOptions {
  /** Entries per block, a power of two; default 65,536. */
  blockSize?: number;
  /**
   * Worker threads checking blocks, each with its own connection to `connectionString`; default
   * 1, which checks blocks in-process on the caller's connection.
   */
  workers?: number;
  /** Needed when workers > 1: where the workers connect (as the caller's role). */
  connectionString?: string;
  /** The checkpoint origin and the witnesses' verifier keys: their stored cosignatures are checked too. */
  witnesses?: { origin: string; keys: readonly string[] };
  /** Called at most every `progressEveryMs` (default 1 s) while entries are checked. */
  onProgress?: (p: { verified: number; total: number; elapsedMs: number }) => void;
  progressEveryMs?: number;
  /**
   * Log intents (changes' entries not yet in the tree) queued longer than this are reported as
   * a warning: every instance's sweeper should have integrated them. Default 10 s (twice the
   * default LOG_INTENT_SWEEP_MS).
   */
  stuckIntentMs?: number;
}

/** Not a fault of the tree, but something an operator should look at. */
export interface VerificationWarning {
  kind: 'stuck_intents' | 'unchecked_cosignatures';
  detail: string;
}

/** Workers worth starting on this machine: one per core, at most 8. */
export function defaultVerifyWorkers(): number {
  return Math.max(1, Math.min(8, os.availableParallelism()));
}

export interface VerificationReport {
  ok: boolean;
  treeSize: number;
  entriesChecked: number;
  nodesChecked: number;
  checkpointsChecked: number;
  /** Witness cosignatures verified (0 without witnesses configured). */
  cosignaturesChecked: number;
  /** Worker threads that checked blocks (0: checked in-process). */
  workers: number;
  /**
   * Every recorded pruning, oldest first: the entries whose bodies were removed under the
   * retention schedule. Their stored leaf hashes stand in for the bytes, and the tree is still
   * rebuilt and checked against every signed checkpoint.
   */
  prunedRanges: PrunedRange[];
  /** Entries found without a body (all inside prunedRanges when ok). */
  entriesPruned: number;
  /** Lowest index found bad (altered, missing or misplaced), or null. */
  firstBadIndex: number | null;
  /** The first problems found (at most 100), in the order found. */
  problems: VerificationProblem[];
  problemCount: number;
  /** Warnings that do not make the log invalid (ok stays true). */
  warnings: VerificationWarning[];
  elapsedMs: number;
}

/** Row queries on the verifier's connection (inside its snapshot). */
export interface RowQueries {
  rows<R>(text: string, params?: unknown[]): Promise<R[]>;
}

function rowsOn(client: pg.ClientBase): RowQueries {
  return { rows: async <R>(text: string, values?: unknown[]) => (await client.query(text, values)).rows as R[] };
}

/** Checks blocks somewhere: in-process or in worker threads. Results come back in any order. */
interface BlockRunner {
  /** Blocks worth having dispatched at once. */
  readonly maxInFlight: number;
  run(job: BlockJob): Promise<BlockResult>;
  close(): Promise<void>;
}

function inProcess(client: pg.ClientBase): BlockRunner {
  // One block at a time: a second one would queue on the same connection ahead of this block's checkpoint queries.
  return { maxInFlight: 1, run: (job) => verifyBlock(client, job), close: () => Promise.resolve() };
}

function workerPool(count: number, connectionString: string, snapshot: string): BlockRunner {
  const url = sourceUrl('modules/access-log/application/log-verifier.worker.js');
  type Pending = { resolve: (r: BlockResult) => void; reject: (e: Error) => void };
  const idle: Worker[] = [];
  const running = new Set<Worker>();
  const pending = new Map<Worker, Pending>();
  const waiting: (() => void)[] = [];
  let closing = false;
  // A worker that dies (a crash, not a failed block, which it reports) fails the whole run:
  // every pending and later block is refused rather than left waiting on it.
  let broken: Error | undefined;
  const breakAll = (e: Error) => {
    broken ??= e;
    for (const p of pending.values()) p.reject(broken);
    pending.clear();
    for (const wake of waiting.splice(0)) wake();
  };
  for (let i = 0; i < count; i++) {
    const worker = new Worker(url, { workerData: { connectionString, snapshot } });
    running.add(worker);
    worker.on('message', (m: { ok: true; result: BlockResult } | { ok: false; from: number; error: string }) => {
      const p = pending.get(worker);
      pending.delete(worker);
      idle.push(worker);
      waiting.shift()?.();
      if (m.ok) p?.resolve(m.result);
      else p?.reject(new Error(`block at ${m.from}: ${m.error}`));
    });
    worker.on('error', (e) => breakAll(e));
    worker.on('exit', (code) => {
      running.delete(worker);
      if (!closing) breakAll(new Error(`a verification worker exited (code ${code})`));
    });
    idle.push(worker);
  }
  return {
    // Two blocks per worker, so each has its next one while the coordinator takes a result.
    maxInFlight: count * 2,
    async run(job) {
      while (!broken && !idle.length) await new Promise<void>((r) => waiting.push(r));
      if (broken) throw broken;
      const worker = idle.pop()!;
      return new Promise<BlockResult>((resolve, reject) => {
        pending.set(worker, { resolve, reject });
        worker.postMessage(job);
      });
    },
    async close() {
      closing = true;
      await Promise.all(
        [...running].map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('exit', () => resolve());
              w.postMessage('stop');
              // A worker stuck on a dead connection must not keep the process alive.
              setTimeout(() => void w.terminate(), 10_000).unref();
            }),
        ),
      );
    },
  };
}

/**
 * Verifies the log through `client` (connected, idle); the caller owns the connection. With
 * `workers` > 1 the blocks are checked by worker threads connecting to `connectionString`.
 */
export async function verifyAccessLog(client: pg.ClientBase, options: VerifyOptions = {}): Promise<VerificationReport> {
  const started = performance.now();
  const blockSize = options.blockSize ?? 65_536;
  if (!Number.isSafeInteger(blockSize) || blockSize < 2 || (blockSize & (blockSize - 1)) !== 0)
    throw new RangeError('blockSize must be a power of two, at least 2');
  const blockLevel = Math.log2(blockSize);
  const workers = options.workers ?? 1;
  if (workers > 1 && !options.connectionString) throw new RangeError('workers > 1 need a connectionString');
  const findings = new Findings();
  const db = rowsOn(client);
  let runner: BlockRunner | undefined;
  let usedWorkers = 0;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await readSettings(client);
    const [head] = await db.rows<{ size: string; frontier: unknown }>(
      'SELECT size, frontier FROM access_log_head WHERE id = 1',
    );
    const size = Number(head.size);
    const checkpoints = await CheckpointVerifier.create(db, findings);
    const prunedRanges = (
      await db.rows<{ from_idx: string; to_idx: string; cutoff: Date; pruned_at: Date }>(
        'SELECT from_idx, to_idx, cutoff, pruned_at FROM access_log_pruned_ranges ORDER BY from_idx',
      )
    ).map((r) => ({
      from: Number(r.from_idx),
      to: Number(r.to_idx),
      cutoff: r.cutoff.toISOString(),
      prunedAt: r.pruned_at.toISOString(),
    }));
    // Blocks test pruned entries against the merged spans: usually one, however many prunings ran.
    const spans = prunedSpans(prunedRanges);
    let entriesPruned = 0;
    if (workers > 1 && size > blockSize) {
      const [{ snapshot }] = await db.rows<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
      runner = workerPool(workers, options.connectionString!, snapshot);
      usedWorkers = workers;
    } else {
      runner = inProcess(client);
    }

    for (const cpSize of await checkpoints.sizesUpTo(0)) await checkpoints.checkRoot(cpSize, EMPTY_ROOT);
    // The tree above the blocks: each full block's root pushed as one "leaf" whose nodes are
    // the log's nodes blockLevel levels up.
    const top = new TreeBuilder();
    const above = new Map<string, Buffer>();
    const onTopNode = (level: number, index: number, hash: Buffer) => {
      if (level > 0) above.set(`${level + blockLevel}/${index}`, hash);
    };
    const frontierAt = (treeSize: number, local: Buffer[]): Frontier => ({
      size: treeSize,
      hashes: [...top.frontier.hashes, ...local],
    });
    let lastTimestamp: string | null = null;
    let nodesChecked = 0;
    let lastProgress = performance.now();
    let frontier: Frontier = { size: 0, hashes: [] };

    // Blocks are dispatched up to the runner's limit ahead and taken back strictly in order.
    const inFlight: { job: BlockJob; result: Promise<BlockResult> }[] = [];
    let nextFrom = 0;
    const dispatch = async () => {
      const from = nextFrom;
      const to = Math.min(size, from + blockSize);
      nextFrom = to;
      const job: BlockJob = {
        from,
        to,
        checkpointSizes: (await checkpoints.sizesUpTo(to)).filter((s) => s > from),
        pruned: spans.filter((r) => r.from < to && r.to >= from).map((r): [number, number] => [r.from, r.to]),
      };
      const result = runner!.run(job);
      // Taken in order below; a rejection must not go unhandled meanwhile.
      result.catch(() => undefined);
      inFlight.push({ job, result });
    };
    const fill = async () => {
      while (nextFrom < size && inFlight.length < runner!.maxInFlight) await dispatch();
    };
    await fill();
    while (inFlight.length) {
      const { job, result } = inFlight.shift()!;
      const block = await result;
      findings.merge(block);
      nodesChecked += block.nodesChecked;
      entriesPruned += block.prunedEntries;
      if (block.firstTimestamp !== null && lastTimestamp !== null && block.firstTimestamp < lastTimestamp) {
        findings.add({
          kind: 'timestamp',
          index: block.from,
          detail: `entries from ${block.from}: timestamp ${block.firstTimestamp} is earlier than the previous entry's`,
        });
      }
      if (block.lastTimestamp !== null) lastTimestamp = block.lastTimestamp;

      const sizes = job.checkpointSizes;
      const local = (hashes: string[]) => hashes.map((h) => Buffer.from(h, 'base64'));
      const full = block.to - block.from === blockSize;
      for (let i = 0; i < sizes.length; i++) {
        if (full && sizes[i] === block.to) continue; // after the block joins the top tree
        await checkpoints.checkRoot(
          sizes[i],
          rootFromFrontier(frontierAt(sizes[i], local(block.checkpointFrontiers[i]))),
        );
      }
      if (full) {
        top.push(local(block.frontier)[0], onTopNode);
        frontier = frontierAt(block.to, []);
        if (sizes[sizes.length - 1] === block.to) await checkpoints.checkRoot(block.to, rootFromFrontier(frontier));
      } else {
        frontier = frontierAt(block.to, local(block.frontier));
      }

      if (options.onProgress && performance.now() - lastProgress >= (options.progressEveryMs ?? 1000)) {
        lastProgress = performance.now();
        options.onProgress({ verified: block.to, total: size, elapsedMs: performance.now() - started });
      }
      await fill();
    }
    await runner.close();
    runner = undefined;

    nodesChecked += await checkNodesAbove(db, blockLevel, above, findings);
    await checkTail(db, size, frontier, head.frontier, findings);
    await checkpoints.finish(size);
    const cosignatures = await verifyCosignatures(
      db,
      findings,
      options.witnesses?.origin ?? '',
      options.witnesses?.keys ?? [],
    );
    const cosignaturesChecked = cosignatures.checked;
    const warnings = [
      ...(await checkQueue(db, options.stuckIntentMs ?? 10_000)),
      // Stored cosignatures of witnesses no key was given for: nothing vouches for them, so "OK"
      // must not read as if they were checked (set WITNESSES to the log's witnesses).
      ...cosignatures.unchecked.map((r) => ({
        kind: 'unchecked_cosignatures' as const,
        detail: `${r.n} stored cosignature(s) by ${r.witness} not verified: no key for that witness was given (WITNESSES)`,
      })),
    ];
    return {
      ok: findings.count === 0,
      treeSize: size,
      entriesChecked: size,
      nodesChecked,
      checkpointsChecked: checkpoints.checked,
      cosignaturesChecked,
      workers: usedWorkers,
      prunedRanges,
      entriesPruned,
      firstBadIndex: findings.firstBadIndex,
      problems: findings.problems,
      problemCount: findings.count,
      warnings,
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await runner?.close().catch(() => undefined);
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/**
 * Changes whose entries are still queued long after they committed: the sweepers are not
 * running, or integration keeps failing. Their entries are not lost (they are in the queue),
 * but they are not yet in the tree, so no proof covers them.
 */
async function checkQueue(db: RowQueries, stuckIntentMs: number): Promise<VerificationWarning[]> {
  const [q] = await db.rows<{ n: number; oldest: Date | null; first: string | null }>(
    `SELECT count(*)::int AS n, min(enqueued_at) AS oldest, min(id)::text AS first FROM access_log_queue WHERE enqueued_at < now() - make_interval(secs => $1::double precision / 1000)`,
    [stuckIntentMs],
  );
  if (!q.n) return [];
  return [
    {
      kind: 'stuck_intents',
      detail: `${q.n} log intent(s) queued for more than ${stuckIntentMs} ms, the oldest (id ${q.first}) since ${q.oldest!.toISOString()}: their changes committed but their entries are not yet in the tree; is every gateway's intent sweeper running?`,
    },
  ];
}

/** The stored nodes above the blocks, rebuilt from the block roots. */
async function checkNodesAbove(
  db: RowQueries,
  blockLevel: number,
  rebuilt: Map<string, Buffer>,
  findings: Findings,
): Promise<number> {
  const stored = await db.rows<{ level: number; idx: string; hash: Buffer }>(
    'SELECT level, idx, hash FROM access_log_nodes WHERE level > $1 ORDER BY level, idx',
    [blockLevel],
  );
  for (const row of stored) {
    const key = `${row.level}/${row.idx}`;
    const expected = rebuilt.get(key);
    if (expected && !expected.equals(row.hash))
      findings.add({
        kind: 'node',
        detail: `stored node ${key} (${nodeRange(row.level, Number(row.idx))}) differs from the rebuilt tree`,
      });
    rebuilt.delete(key);
  }
  for (const key of rebuilt.keys()) {
    const [level, idx] = key.split('/').map(Number);
    findings.add({ kind: 'missing_node', detail: `stored node ${key} (${nodeRange(level, idx)}) is missing` });
  }
  return stored.length;
}

/** Nothing may exist beyond the head, and the head's frontier must be the rebuilt one. */
async function checkTail(
  db: RowQueries,
  size: number,
  rebuilt: Frontier,
  storedFrontier: unknown,
  findings: Findings,
): Promise<void> {
  const [extra] = await db.rows<{ idx: string }>(
    'SELECT idx FROM access_log_entries WHERE idx >= $1 ORDER BY idx LIMIT 1',
    [size],
  );
  if (extra)
    findings.add({
      kind: 'extra_entry',
      index: Number(extra.idx),
      detail: `entry ${extra.idx} lies beyond the head (size ${size})`,
    });
  const [nodes] = await db.rows<{ n: string }>('SELECT count(*) AS n FROM access_log_nodes');
  const expectedNodes = size - popCount(size);
  if (Number(nodes.n) !== expectedNodes)
    findings.add({
      kind: 'node_count',
      detail: `access_log_nodes has ${nodes.n} rows, a tree of ${size} has ${expectedNodes}`,
    });
  let head: Frontier | undefined;
  try {
    head = frontierFromJson(storedFrontier);
  } catch (e) {
    findings.add({ kind: 'head', detail: `the head's frontier is malformed: ${(e as Error).message}` });
  }
  if (head && (head.size !== rebuilt.size || head.hashes.some((h, i) => !h.equals(rebuilt.hashes[i])))) {
    findings.add({ kind: 'head', detail: `the head's frontier differs from the tree rebuilt from the entries` });
  }
}
