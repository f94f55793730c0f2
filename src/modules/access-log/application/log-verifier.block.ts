/**
 * One block of log:verify: the entries [from, to) of a block that starts at a multiple of the
 * block size (a power of two), so its entries form complete subtrees that depend on nothing
 * outside it. Checked here: every entry's leaf hash from its stored bytes, the index inside the
 * bytes, timestamps in order within the block, and every stored node of the block's own
 * subtrees. Returned: the block's subtree hashes (its frontier, one hash for a full block) and
 * its frontier at each checkpoint size inside it, from which the coordinator builds the rest of
 * the tree. Runs in-process or in a worker thread, each on a connection inside the same snapshot.
 *
 * Entries and nodes travel as binary COPY rows: the stored bytes as they are, hashed straight
 * from the receive buffer. The server keeps scanning into the socket while a chunk is hashed,
 * so the two run side by side (over the text protocol, base64 on the server and strings and
 * decoding here cost several times the hashing).
 */
import type pg from 'pg';
import { bytesField, copyBinaryRows, intField, type BinaryRow } from '@shared/database/binary-copy.js';
import { HASH_SIZE, TreeBuilder, leafHash, nodeHashReady } from '../domain/merkle/index.js';

export interface BlockJob {
  from: number;
  to: number;
  /** Sizes in (from, to] at which the block's frontier is wanted (checkpoints), ascending. */
  checkpointSizes: number[];
  /** The recorded prunings [from, to] (merged where adjacent) that overlap the block: an entry without a body must lie in one. */
  pruned?: [number, number][];
}

export interface VerificationProblem {
  /** What is wrong, e.g. 'leaf_hash', 'root', 'signature'. */
  kind: string;
  /** The entry concerned, when there is one. */
  index?: number;
  /** The checkpoint concerned, when there is one. */
  treeSize?: number;
  detail: string;
}

export interface BlockResult {
  from: number;
  to: number;
  /** The block's subtree hashes at its end, largest first (base64, so results cross threads as they are). */
  frontier: string[];
  /** The block's subtree hashes at each of the job's checkpoint sizes. */
  checkpointFrontiers: string[][];
  /** First and last timestamps of the block's entries (null when it has none). */
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  nodesChecked: number;
  /** Entries whose body was pruned: their stored leaf hash stands in for the bytes. */
  prunedEntries: number;
  problems: VerificationProblem[];
  problemCount: number;
  firstBadIndex: number | null;
}

/** The first problems found are kept in full (at most this many); all are counted. */
const MAX_PROBLEMS = 100;

export class Findings {
  readonly problems: VerificationProblem[] = [];
  count = 0;
  firstBadIndex: number | null = null;

  add(p: VerificationProblem): void {
    this.count++;
    if (p.index !== undefined && (this.firstBadIndex === null || p.index < this.firstBadIndex))
      this.firstBadIndex = p.index;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
  }

  merge(other: { problems: VerificationProblem[]; problemCount: number; firstBadIndex: number | null }): void {
    for (const p of other.problems) if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
    this.count += other.problemCount;
    if (other.firstBadIndex !== null && (this.firstBadIndex === null || other.firstBadIndex < this.firstBadIndex))
      this.firstBadIndex = other.firstBadIndex;
  }
}

// COPY takes no parameters: the bounds are integers this code computed.
const entriesIn = (from: number, to: number) =>
  `SELECT idx, leaf_hash, entry FROM access_log_entries WHERE idx >= ${from} AND idx < ${to} ORDER BY idx`;
const ZERO_LEAF = Buffer.alloc(HASH_SIZE);
const INDEX_KEY = Buffer.from('"index":');
const TIMESTAMP_KEY = Buffer.from('"timestamp":"');
const CLOSE = Buffer.from('"}');

/** Opens the transaction a block connection reads in: the coordinator's exported snapshot. */
export async function joinSnapshot(client: pg.ClientBase, snapshot: string): Promise<void> {
  if (!/^[0-9A-F-]+$/i.test(snapshot)) throw new Error('malformed snapshot id');
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await client.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
  await readSettings(client);
}

/** Blocks are dense index ranges that the primary key returns in order; a stale row estimate must not turn one into a bitmap scan plus a sort. */
export async function readSettings(client: pg.ClientBase): Promise<void> {
  await client.query(`SET LOCAL enable_bitmapscan = off; SET LOCAL work_mem = '64MB'`);
}

export async function verifyBlock(client: pg.ClientBase, job: BlockJob): Promise<BlockResult> {
  await nodeHashReady;
  const { from, to } = job;
  const findings = new Findings();
  const tree = new TreeBuilder();
  const rebuilt = new RebuiltNodes(from, to);
  const onNode = (level: number, index: number, hash: Buffer) => {
    if (level > 0) rebuilt.set(level, from / 2 ** level + index, hash);
  };
  const checkpointFrontiers: string[][] = [];
  const push = (leaf: Buffer) => {
    tree.push(leaf, onNode);
    while (
      checkpointFrontiers.length < job.checkpointSizes.length &&
      job.checkpointSizes[checkpointFrontiers.length] <= from + tree.size
    ) {
      checkpointFrontiers.push(tree.frontier.hashes.map((h) => h.toString('base64')));
    }
  };

  let next = from;
  let prunedEntries = 0;
  const inPruning = (index: number) => (job.pruned ?? []).some(([lo, hi]) => lo <= index && index <= hi);
  let firstTimestamp: Buffer | null = null;
  let lastTimestamp: Buffer | null = null;
  const missingUpTo = (end: number) => {
    for (; next < end; next++) {
      findings.add({ kind: 'missing_entry', index: next, detail: `entry ${next} is missing` });
      push(ZERO_LEAF);
    }
  };
  await copyBinaryRows(client, entriesIn(from, to), (row) => {
    const index = intField(row, 0);
    // Rows come in index order: anything skipped is a gap (a deleted entry).
    missingUpTo(index);
    next = index + 1;
    if (row.start[2] < 0) {
      // A pruned body: the stored leaf hash is all there is to build the tree from (the
      // checkpoints and stored nodes above still check it), and a recorded pruning must cover it.
      prunedEntries++;
      if (!inPruning(index))
        findings.add({
          kind: 'missing_body',
          index,
          detail: `entry ${index} has no body but lies outside every recorded pruning`,
        });
      if (row.length[1] !== HASH_SIZE) {
        findings.add({ kind: 'leaf_hash', index, detail: `entry ${index}: its stored leaf hash is malformed` });
        push(ZERO_LEAF);
      } else push(Buffer.from(bytesField(row, 1)));
      return;
    }
    const bytes = bytesField(row, 2);
    const leaf = leafHash(bytes);
    if (
      row.length[1] !== HASH_SIZE ||
      row.buf.compare(leaf, 0, HASH_SIZE, row.start[1], row.start[1] + HASH_SIZE) !== 0
    ) {
      findings.add({
        kind: 'leaf_hash',
        index,
        detail: `entry ${index}: its bytes do not hash to the stored leaf hash`,
      });
    }
    const claimed = indexInBytes(bytes);
    if (claimed !== index)
      findings.add({ kind: 'index_field', index, detail: `entry ${index}: its bytes say index ${claimed ?? 'none'}` });
    const ts = timestampInBytes(bytes);
    if (ts === null || (lastTimestamp !== null && ts.compare(lastTimestamp) < 0)) {
      findings.add({
        kind: 'timestamp',
        index,
        detail: `entry ${index}: timestamp ${ts?.toString('latin1') ?? 'missing'} is earlier than the previous entry's`,
      });
    } else {
      // Copied: the view is on a receive buffer that is reused.
      lastTimestamp = Buffer.from(ts);
      firstTimestamp ??= lastTimestamp;
    }
    push(leaf);
  });
  missingUpTo(to);
  const nodesChecked = await rebuilt.compareWithStored(client, findings);
  return {
    from,
    to,
    frontier: tree.frontier.hashes.map((h) => h.toString('base64')),
    checkpointFrontiers,
    firstTimestamp: (firstTimestamp as Buffer | null)?.toString('latin1') ?? null,
    lastTimestamp: (lastTimestamp as Buffer | null)?.toString('latin1') ?? null,
    nodesChecked,
    prunedEntries,
    problems: findings.problems,
    problemCount: findings.count,
    firstBadIndex: findings.firstBadIndex,
  };
}

/**
 * The interior nodes of the block's own subtrees, level by level in index order (the order the
 * stored ones are read back in), so comparing is a walk, not a lookup per node.
 */
class RebuiltNodes {
  private readonly low: number[] = [];
  private readonly high: number[] = [];
  private readonly hashes: Buffer[] = [];

  constructor(from: number, to: number) {
    // Levels whose subtrees fit in the block; `from` is a multiple of each width.
    for (let level = 1, width = 2; width <= to - from; level++, width *= 2) {
      this.low[level] = from / width;
      this.high[level] = Math.floor(to / width) - 1;
      this.hashes[level] = Buffer.allocUnsafe((this.high[level] - this.low[level] + 1) * HASH_SIZE);
    }
  }

  set(level: number, index: number, hash: Buffer): void {
    hash.copy(this.hashes[level], (index - this.low[level]) * HASH_SIZE);
  }

  /** Reads the stored nodes of the same ranges and reports every one that differs or is missing. */
  async compareWithStored(client: pg.ClientBase, findings: Findings): Promise<number> {
    const levels: number[] = [];
    this.low.forEach((_, level) => levels.push(level));
    if (!levels.length) return 0;
    const ranges = levels.map((l) => `(${l}, ${this.low[l]}, ${this.high[l]})`).join(', ');
    const query = `SELECT n.level, n.idx, n.hash FROM (VALUES ${ranges}) AS r(level, lo, hi)
      JOIN access_log_nodes n ON n.level = r.level AND n.idx BETWEEN r.lo AND r.hi ORDER BY n.level, n.idx`;
    // Per level, the next index expected: a stored row beyond it means the ones between are missing.
    const expected = this.low.slice();
    const missing = (level: number, upTo: number) => {
      for (; expected[level] < upTo; expected[level]++)
        findings.add({
          kind: 'missing_node',
          detail: `stored node ${level}/${expected[level]} (${nodeRange(level, expected[level])}) is missing`,
        });
    };
    const stored = await copyBinaryRows(client, query, (row: BinaryRow) => {
      const level = intField(row, 0);
      const index = intField(row, 1);
      missing(level, index);
      expected[level] = index + 1;
      const at = (index - this.low[level]) * HASH_SIZE;
      // A node names a range, not one bad entry, so it does not set firstBadIndex.
      if (
        row.length[2] !== HASH_SIZE ||
        row.buf.compare(this.hashes[level], at, at + HASH_SIZE, row.start[2], row.start[2] + HASH_SIZE) !== 0
      ) {
        findings.add({
          kind: 'node',
          detail: `stored node ${level}/${index} (${nodeRange(level, index)}) differs from the rebuilt tree`,
        });
      }
    });
    for (const level of levels) missing(level, this.high[level] + 1);
    return stored;
  }
}

export function nodeRange(level: number, idx: number): string {
  const first = idx * 2 ** level;
  return `entries ${first} to ${first + 2 ** level - 1}`;
}

/** The top-level "index" member of canonical entry bytes (the first `"index":` is that key: quotes inside strings are escaped). */
function indexInBytes(bytes: Buffer): number | null {
  const at = bytes.indexOf(INDEX_KEY);
  if (at < 0) return null;
  let n = 0;
  let i = at + INDEX_KEY.length;
  const startDigits = i;
  for (; i < bytes.length && bytes[i] >= 0x30 && bytes[i] <= 0x39; i++) n = n * 10 + (bytes[i] - 0x30);
  return i > startDigits && bytes[i] === 0x2c ? n : null;
}

/** "timestamp" sorts last among the members, so it ends the canonical bytes: a view on its value. */
function timestampInBytes(bytes: Buffer): Buffer | null {
  if (bytes.length < CLOSE.length || bytes[bytes.length - 2] !== CLOSE[0] || bytes[bytes.length - 1] !== CLOSE[1])
    return null;
  const at = bytes.lastIndexOf(TIMESTAMP_KEY, bytes.length - CLOSE.length);
  if (at < 0 || at < bytes.length - 48) return null;
  return bytes.subarray(at + TIMESTAMP_KEY.length, bytes.length - CLOSE.length);
}
