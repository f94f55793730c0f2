import { importJWK, type CryptoKey, type JWK } from 'jose';
import { isSigningAlg, verifyJws, type VerificationKey } from '@shared/crypto/signature-checker.js';
import { CHECKPOINT_TYPE, checkpointPayload } from '../domain/checkpoint.js';
import type { RowQueries } from './log-verifier.js';
import { sizeAndNodesOf, sizeAndNodesQuery } from './tree-queries.js';
import {
  computeConsistencyProof,
  mergePlans,
  nodeLookupFrom,
  planConsistency,
  verifyConsistency,
} from '../domain/merkle/index.js';

export interface CheckpointRow {
  tree_size: string;
  root_hash: Buffer;
  timestamp: Date;
  jws: string;
}

interface Sink {
  add(p: { kind: string; index?: number; treeSize?: number; detail: string }): void;
}

const PAGE = 1000;
const PAIRS_PER_QUERY = 256;

/**
 * The checkpoint half of log:verify: streams stored checkpoints in size order as the rebuilt
 * tree reaches them, compares roots, verifies signatures with every gateway key on record, and
 * checks RFC 9162 consistency proofs (from stored nodes) between consecutive checkpoints.
 */
export class CheckpointVerifier {
  checked = 0;
  private buffer: CheckpointRow[] = [];
  private lastFetched = -1;
  private exhausted = false;
  private previous: { size: number; root: Buffer } | undefined;
  private pairs: { from: number; fromRoot: Buffer; to: number; toRoot: Buffer }[] = [];

  private constructor(
    private readonly db: RowQueries,
    private readonly sink: Sink,
    private readonly keys: Map<string, VerificationKey>,
  ) {}

  static async create(db: RowQueries, sink: Sink): Promise<CheckpointVerifier> {
    const rows = await db.rows<{ kid: string; alg: string; public_jwk: JWK }>(
      'SELECT kid, alg, public_jwk FROM gateway_signing_keys',
    );
    const keys = new Map<string, VerificationKey>();
    for (const r of rows)
      if (isSigningAlg(r.alg))
        keys.set(r.kid, { key: (await importJWK(r.public_jwk, r.alg)) as CryptoKey, alg: r.alg });
    return new CheckpointVerifier(db, sink, keys);
  }

  /** Sizes of the checkpoints not yet checked whose size is at most `size`, ascending. */
  async sizesUpTo(size: number): Promise<number[]> {
    while (!this.exhausted && this.lastFetched <= size) await this.fetch();
    return this.buffer.filter((r) => Number(r.tree_size) <= size).map((r) => Number(r.tree_size));
  }

  /** Compares the next checkpoint (of `size`) with the rebuilt root and verifies its signature. */
  async checkRoot(size: number, rebuiltRoot: Buffer): Promise<void> {
    const row = this.buffer.shift();
    if (!row || Number(row.tree_size) !== size) throw new Error(`checkpoint ${size} was not next`);
    this.checked++;
    if (!row.root_hash.equals(rebuiltRoot)) {
      this.sink.add({
        kind: 'root',
        treeSize: size,
        detail: `checkpoint ${size}: its root differs from the root rebuilt from the entries`,
      });
    }
    await this.checkSignature(row);
    if (this.previous && this.previous.size > 0)
      this.pairs.push({ from: this.previous.size, fromRoot: this.previous.root, to: size, toRoot: row.root_hash });
    this.previous = { size, root: row.root_hash };
    if (this.pairs.length >= PAIRS_PER_QUERY) await this.checkConsistency();
  }

  /** Reports checkpoints beyond the log and checks the remaining consistency proofs. */
  async finish(size: number): Promise<void> {
    while (!this.exhausted) await this.fetch();
    for (const r of this.buffer) {
      this.sink.add({
        kind: 'checkpoint_beyond_log',
        treeSize: Number(r.tree_size),
        detail: `checkpoint ${r.tree_size} is for more entries than the log holds (${size})`,
      });
    }
    await this.checkConsistency();
  }

  private async fetch(): Promise<void> {
    const rows = await this.db.rows<CheckpointRow>(
      `SELECT tree_size, root_hash, "timestamp", jws FROM access_log_checkpoints WHERE tree_size > $1 ORDER BY tree_size LIMIT ${PAGE}`,
      [this.lastFetched],
    );
    this.buffer.push(...rows);
    if (rows.length < PAGE) this.exhausted = true;
    if (rows.length) this.lastFetched = Number(rows[rows.length - 1].tree_size);
  }

  private async checkSignature(row: CheckpointRow): Promise<void> {
    const size = Number(row.tree_size);
    try {
      const { payload } = await verifyJws(row.jws, { typ: CHECKPOINT_TYPE, key: (kid) => this.keys.get(kid) ?? null });
      const expected = checkpointPayload({
        treeSize: size,
        rootHash: row.root_hash.toString('base64'),
        timestamp: row.timestamp.toISOString(),
      });
      if (!Buffer.from(payload).equals(expected))
        throw new Error('the signed payload differs from the stored checkpoint');
    } catch (e) {
      this.sink.add({ kind: 'signature', treeSize: size, detail: `checkpoint ${size}: ${(e as Error).message}` });
    }
  }

  private async checkConsistency(): Promise<void> {
    const pairs = this.pairs;
    this.pairs = [];
    if (!pairs.length) return;
    const keys = mergePlans(...pairs.map((p) => planConsistency(p.from, p.to)));
    const q = sizeAndNodesQuery(keys);
    const lookup = nodeLookupFrom(sizeAndNodesOf(await this.db.rows(q.text, q.values)).nodes);
    for (const p of pairs) {
      let ok: boolean;
      try {
        ok = verifyConsistency(p.from, p.to, p.fromRoot, p.toRoot, computeConsistencyProof(p.from, p.to, lookup));
      } catch {
        ok = false;
      }
      if (!ok)
        this.sink.add({
          kind: 'consistency',
          treeSize: p.to,
          detail: `checkpoints ${p.from} and ${p.to} are not consistent (RFC 9162 proof from stored nodes fails)`,
        });
    }
  }
}
