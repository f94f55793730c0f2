/**
 * RFC 9162 conformance: the library against a naive transcription of the RFC's recursive
 * definitions (MTH, PATH, PROOF/SUBPROOF) over explicit leaf lists, for every tree size 1..64.
 * The reference deliberately shares no code with the library, not even the hash helpers.
 */
import { createHash } from 'node:crypto';

import { appendLeaves, EMPTY_FRONTIER, rootFromFrontier, type Frontier } from './appender.js';
import { leafHash } from './hashes.js';
import {
  computeConsistencyProof,
  computeInclusionProof,
  computeRoot,
  nodeKeyId,
  planConsistency,
  planInclusion,
  planRoot,
} from './proofs.js';
import type { NodeKey, NodeLookup, StoredNode } from './types.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

const MAX_SIZE = 64;

// ---- Reference implementation, straight from RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 ----

function sha256(...parts: Uint8Array[]): Buffer {
  return createHash('sha256').update(Buffer.concat(parts)).digest();
}

/** k: the largest power of two smaller than n. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over the leaf data `d`, with a memo keyed by identity of the leaf slice bounds. */
class ReferenceTree {
  private readonly memo = new Map<string, Buffer>();

  constructor(private readonly leaves: readonly Buffer[]) {}

  /** MTH(D[lo:hi]). */
  mth(lo: number, hi: number): Buffer {
    const id = `${lo}:${hi}`;
    const cached = this.memo.get(id);
    if (cached) return cached;
    const n = hi - lo;
    let result: Buffer;
    if (n === 0) {
      result = sha256();
    } else if (n === 1) {
      result = sha256(Buffer.from([0x00]), this.leaves[lo]);
    } else {
      const k = splitPoint(n);
      result = sha256(Buffer.from([0x01]), this.mth(lo, lo + k), this.mth(lo + k, hi));
    }
    this.memo.set(id, result);
    return result;
  }

  /** PATH(m, D[lo:hi]). */
  path(m: number, lo: number, hi: number): Buffer[] {
    const n = hi - lo;
    if (n === 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...this.path(m, lo, lo + k), this.mth(lo + k, hi)];
    return [...this.path(m - k, lo + k, hi), this.mth(lo, lo + k)];
  }

  /** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
  proof(m: number, n: number): Buffer[] {
    return this.subproof(m, 0, n, true);
  }

  private subproof(m: number, lo: number, hi: number, b: boolean): Buffer[] {
    const n = hi - lo;
    if (m === n) return b ? [] : [this.mth(lo, hi)];
    const k = splitPoint(n);
    if (m <= k) return [...this.subproof(m, lo, lo + k, b), this.mth(lo + k, hi)];
    return [...this.subproof(m - k, lo + k, hi, false), this.mth(lo, lo + k)];
  }
}

// ---- Fixtures ----

/** Deterministic PRNG (mulberry32) so random batch splits are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(9162);
// Distinct leaves of varied lengths (leaf 0 is the empty leaf); the index byte keeps them unique
// so that "another leaf at this index" is a genuine tamper.
const LEAVES: Buffer[] = Array.from({ length: MAX_SIZE }, (_, i) =>
  i === 0
    ? Buffer.alloc(0)
    : Buffer.from([i, ...Array.from({ length: (i * 7) % 23 }, () => Math.floor(random() * 256))]),
);
const LEAF_HASHES = LEAVES.map((leaf) => leafHash(leaf));
const reference = new ReferenceTree(LEAVES);
const SIZES = Array.from({ length: MAX_SIZE }, (_, i) => i + 1);

/** Storage after appending the first n leaves one at a time. */
function storeFor(n: number): { frontier: Frontier; nodes: Map<string, StoredNode> } {
  let frontier = EMPTY_FRONTIER;
  const nodes = new Map<string, StoredNode>();
  for (let i = 0; i < n; i++) {
    const result = appendLeaves(frontier, [LEAF_HASHES[i]]);
    frontier = result.frontier;
    for (const node of result.newNodes) {
      const id = nodeKeyId(node);
      if (nodes.has(id)) throw new Error(`node ${id} created twice`);
      nodes.set(id, node);
    }
  }
  return { frontier, nodes };
}

/** A lookup that only serves the planned keys, proving the plan is sufficient. */
function plannedLookup(plan: readonly NodeKey[], nodes: Map<string, StoredNode>, n: number): NodeLookup {
  const allowed = new Set(plan.map(nodeKeyId));
  expect(allowed.size).toBe(plan.length);
  for (const key of plan) {
    // Every planned node must be a complete subtree of the size-n tree.
    expect((key.index + 1) * 2 ** key.level).toBeLessThanOrEqual(n);
  }
  return (key) => {
    const id = nodeKeyId(key);
    if (!allowed.has(id)) throw new Error(`read of unplanned node ${id}`);
    const node = nodes.get(id);
    if (!node) throw new Error(`missing node ${id}`);
    return node.hash;
  };
}

function flipBit(hash: Uint8Array, bit = 0): Buffer {
  const copy = Buffer.from(hash);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
}

const hex = (buffers: readonly Uint8Array[]): string[] => buffers.map((b) => Buffer.from(b).toString('hex'));

describe('merkle', () => {
  describe('Certificate Transparency reference vectors', () => {
    const ctLeaves = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ].map((h) => Buffer.from(h, 'hex'));
    const ctRoots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const ctReference = new ReferenceTree(ctLeaves);

    it.each(ctRoots.map((root, i) => [i + 1, root] as const))('size %i has root %s', (size, root) => {
      expect(ctReference.mth(0, size).toString('hex')).toBe(root);
      const { frontier } = appendLeaves(
        EMPTY_FRONTIER,
        ctLeaves.slice(0, size).map((leaf) => leafHash(leaf)),
      );
      expect(rootFromFrontier(frontier).toString('hex')).toBe(root);
    });

    it('has the empty-tree root', () => {
      expect(new ReferenceTree([]).mth(0, 0).toString('hex')).toBe(
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      );
      expect(rootFromFrontier(EMPTY_FRONTIER).toString('hex')).toBe(
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      );
    });
  });

  describe.each(SIZES)('tree size %i', (n) => {
    const expectedRoot = reference.mth(0, n);
    const { frontier, nodes } = storeFor(n);

    it('appender (one leaf at a time) stores exactly the complete subtrees, with reference hashes', () => {
      let expectedCount = 0;
      for (let level = 0; 2 ** level <= n; level++) expectedCount += Math.floor(n / 2 ** level);
      expect(nodes.size).toBe(expectedCount);
      for (const node of nodes.values()) {
        const lo = node.index * 2 ** node.level;
        expect(node.hash.equals(reference.mth(lo, lo + 2 ** node.level))).toBe(true);
      }
      expect(frontier.size).toBe(n);
      expect(rootFromFrontier(frontier).equals(expectedRoot)).toBe(true);
    });

    it('appender with random batch splits gives the same root and nodes', () => {
      const split = prng(n * 7919);
      for (let trial = 0; trial < 8; trial++) {
        let state = EMPTY_FRONTIER;
        const created = new Map<string, string>();
        let next = 0;
        while (next < n) {
          // Include empty batches: appending nothing must be a no-op.
          const take = Math.floor(split() * (n - next + 1));
          const result = appendLeaves(state, LEAF_HASHES.slice(next, next + take));
          next += take;
          state = result.frontier;
          for (const node of result.newNodes) created.set(nodeKeyId(node), node.hash.toString('hex'));
        }
        expect(rootFromFrontier(state).equals(expectedRoot)).toBe(true);
        expect(created.size).toBe(nodes.size);
        for (const [id, node] of nodes) expect(created.get(id)).toBe(node.hash.toString('hex'));
      }
    });

    it('computeRoot from the planned stored nodes equals MTH', () => {
      const plan = planRoot(n);
      expect(computeRoot(n, plannedLookup(plan, nodes, n)).equals(expectedRoot)).toBe(true);
    });

    it('inclusion proof for every leaf equals PATH and verifies; tampering fails', () => {
      for (let m = 0; m < n; m++) {
        const plan = planInclusion(m, n);
        const proof = computeInclusionProof(m, n, plannedLookup(plan, nodes, n));
        expect(hex(proof)).toEqual(hex(reference.path(m, 0, n)));

        const leaf = LEAF_HASHES[m];
        expect(verifyInclusion(m, n, leaf, proof, expectedRoot)).toBe(true);

        expect(verifyInclusion(m, n, flipBit(leaf), proof, expectedRoot)).toBe(false);
        expect(verifyInclusion(m, n, leaf, proof, flipBit(expectedRoot, 255))).toBe(false);
        proof.forEach((_, i) => {
          const tampered = proof.map((p, j) => (i === j ? flipBit(p, 100) : p));
          expect(verifyInclusion(m, n, leaf, tampered, expectedRoot)).toBe(false);
        });
        if (proof.length > 0) {
          expect(verifyInclusion(m, n, leaf, proof.slice(0, -1), expectedRoot)).toBe(false);
          expect(verifyInclusion(m, n, leaf, proof.slice(1), expectedRoot)).toBe(false);
        }
        expect(verifyInclusion(m, n, leaf, [...proof, expectedRoot], expectedRoot)).toBe(false);
        // Another leaf's hash at this index, and this leaf at other indices, must fail.
        if (n > 1) {
          expect(verifyInclusion(m, n, LEAF_HASHES[(m + 1) % n], proof, expectedRoot)).toBe(false);
          expect(verifyInclusion((m + 1) % n, n, leaf, proof, expectedRoot)).toBe(false);
        }
        // A different tree size, even with that size's genuine root, must fail.
        if (n < MAX_SIZE) expect(verifyInclusion(m, n + 1, leaf, proof, reference.mth(0, n + 1))).toBe(false);
        if (m < n - 1) expect(verifyInclusion(m, n - 1, leaf, proof, reference.mth(0, n - 1))).toBe(false);
        expect(verifyInclusion(n, n, leaf, proof, expectedRoot)).toBe(false);
      }
    });

    it('consistency proof for every 1 <= m <= n equals PROOF and verifies; tampering fails', () => {
      for (let m = 1; m <= n; m++) {
        const plan = planConsistency(m, n);
        const proof = computeConsistencyProof(m, n, plannedLookup(plan, nodes, n));
        expect(hex(proof)).toEqual(hex(reference.proof(m, n)));

        const firstRoot = reference.mth(0, m);
        expect(verifyConsistency(m, n, firstRoot, expectedRoot, proof)).toBe(true);

        if (m === n) {
          expect(proof).toHaveLength(0);
          expect(verifyConsistency(m, n, firstRoot, flipBit(expectedRoot), proof)).toBe(false);
          expect(verifyConsistency(m, n, firstRoot, expectedRoot, [expectedRoot])).toBe(false);
          continue;
        }
        expect(verifyConsistency(m, n, flipBit(firstRoot), expectedRoot, proof)).toBe(false);
        expect(verifyConsistency(m, n, firstRoot, flipBit(expectedRoot, 255), proof)).toBe(false);
        proof.forEach((_, i) => {
          const tampered = proof.map((p, j) => (i === j ? flipBit(p, 77) : p));
          expect(verifyConsistency(m, n, firstRoot, expectedRoot, tampered)).toBe(false);
        });
        expect(verifyConsistency(m, n, firstRoot, expectedRoot, proof.slice(0, -1))).toBe(false);
        expect(verifyConsistency(m, n, firstRoot, expectedRoot, proof.slice(1))).toBe(false);
        expect(verifyConsistency(m, n, firstRoot, expectedRoot, [...proof, expectedRoot])).toBe(false);
        expect(verifyConsistency(m, n, firstRoot, expectedRoot, [])).toBe(false);
        // Swapping the roots (claiming the newer tree is a prefix of the older) must fail.
        expect(verifyConsistency(n, m, expectedRoot, firstRoot, proof)).toBe(false);
        // Claiming a different old size, with that size's genuine root, must fail.
        if (m > 1) expect(verifyConsistency(m - 1, n, reference.mth(0, m - 1), expectedRoot, proof)).toBe(false);
        if (m + 1 < n) expect(verifyConsistency(m + 1, n, reference.mth(0, m + 1), expectedRoot, proof)).toBe(false);
      }
    });
  });
});
