import { appendLeaves, EMPTY_FRONTIER, rootFromFrontier } from './appender.js';
import { EMPTY_ROOT, leafHash } from './hashes.js';
import {
  computeConsistencyProof,
  computeInclusionProof,
  computeRoot,
  mergePlans,
  nodeKeyId,
  nodeLookupFrom,
  planConsistency,
  planInclusion,
  planRoot,
} from './proofs.js';
import type { NodeKey } from './types.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

/** True when node (level, index) is a complete subtree of a tree of size n. */
const isComplete = (key: NodeKey, n: number): boolean => (key.index + 1) * 2 ** key.level <= n;

describe('proofs', () => {
  const leaves = Array.from({ length: 1000 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
  const { frontier, newNodes } = appendLeaves(EMPTY_FRONTIER, leaves);
  const lookup = nodeLookupFrom(newNodes);

  it('plans nothing for the empty tree and returns a copy of the empty root', () => {
    expect(planRoot(0)).toEqual([]);
    const root = computeRoot(0, () => {
      throw new Error('no reads expected');
    });
    expect(root.equals(EMPTY_ROOT)).toBe(true);
    expect(root).not.toBe(EMPTY_ROOT);
  });

  it('computes proofs for a 1000-leaf tree that verify against the appender root', () => {
    const root = rootFromFrontier(frontier);
    expect(computeRoot(1000, lookup).equals(root)).toBe(true);
    for (const m of [0, 1, 499, 511, 512, 998, 999]) {
      expect(verifyInclusion(m, 1000, leaves[m], computeInclusionProof(m, 1000, lookup), root)).toBe(true);
    }
    for (const m of [1, 2, 3, 500, 512, 513, 999, 1000]) {
      const old = computeRoot(m, lookup);
      expect(verifyConsistency(m, 1000, old, root, computeConsistencyProof(m, 1000, lookup))).toBe(true);
    }
  });

  it.each([10_000_000, 10_000_001, 2 ** 24 - 1, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER])(
    'plans O(log n) distinct complete-subtree keys for n = %i',
    (n) => {
      const bound = 2 * Math.ceil(Math.log2(n)) + 2;
      const plans: NodeKey[][] = [planRoot(n)];
      for (const m of [0, 1, Math.floor(n / 3), n - 2, n - 1]) plans.push(planInclusion(m, n));
      for (const m of [1, 2, Math.floor(n / 3), n - 1, n]) plans.push(planConsistency(m, n));
      for (const plan of plans) {
        expect(plan.length).toBeLessThanOrEqual(bound);
        expect(new Set(plan.map(nodeKeyId)).size).toBe(plan.length);
        for (const key of plan) expect(isComplete(key, n)).toBe(true);
      }
    },
  );

  it('mergePlans de-duplicates across plans, keeping first-seen order', () => {
    const merged = mergePlans(planRoot(1000), planInclusion(999, 1000), planConsistency(500, 1000));
    expect(new Set(merged.map(nodeKeyId)).size).toBe(merged.length);
    expect(merged.slice(0, planRoot(1000).length)).toEqual(planRoot(1000));
  });

  it('rejects out-of-range arguments', () => {
    expect(() => planInclusion(5, 5)).toThrow(RangeError);
    expect(() => planInclusion(-1, 5)).toThrow(RangeError);
    expect(() => planConsistency(0, 5)).toThrow(RangeError);
    expect(() => planConsistency(6, 5)).toThrow(RangeError);
    expect(() => planRoot(1.5)).toThrow(RangeError);
    expect(() => computeInclusionProof(0, 0, lookup)).toThrow(RangeError);
  });

  it('propagates a missing node and refuses a corrupt one', () => {
    expect(() => computeRoot(1001, lookup)).toThrow(/not available/);
    expect(() => computeRoot(3, () => Buffer.alloc(31))).toThrow(/31 bytes/);
  });
});
