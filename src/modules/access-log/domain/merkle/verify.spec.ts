import { createHash } from 'node:crypto';

import { appendLeaves, EMPTY_FRONTIER, rootFromFrontier } from './appender.js';
import { leafHash } from './hashes.js';
import { computeConsistencyProof, computeInclusionProof, computeRoot, nodeLookupFrom } from './proofs.js';
import { verifyConsistency, verifyInclusion, type NodeHashFn } from './verify.js';

describe('verify', () => {
  const leaves = Array.from({ length: 21 }, (_, i) => leafHash(Buffer.from(`e${i}`)));
  const { frontier, newNodes } = appendLeaves(EMPTY_FRONTIER, leaves);
  const nodes = nodeLookupFrom(newNodes);
  const root = rootFromFrontier(frontier);

  it('accepts a plain Uint8Array proof (browser-shaped input)', () => {
    const path = computeInclusionProof(5, 21, nodes).map((p) => new Uint8Array(p));
    expect(verifyInclusion(5, 21, new Uint8Array(leaves[5]), path, new Uint8Array(root))).toBe(true);
  });

  it('uses the injected node hash function', () => {
    let calls = 0;
    const counting: NodeHashFn = (left, right) => {
      calls++;
      return createHash('sha256').update(Uint8Array.of(1)).update(left).update(right).digest();
    };
    const path = computeInclusionProof(5, 21, nodes);
    expect(verifyInclusion(5, 21, leaves[5], path, root, counting)).toBe(true);
    expect(calls).toBe(path.length);
    const old = computeRoot(6, nodes);
    expect(verifyConsistency(6, 21, old, root, computeConsistencyProof(6, 21, nodes), counting)).toBe(true);
  });

  it('verifies a single-leaf tree with an empty path', () => {
    expect(verifyInclusion(0, 1, leaves[0], [], leaves[0])).toBe(true);
    expect(verifyInclusion(0, 1, leaves[0], [], leaves[1])).toBe(false);
  });

  it('treats first === second as consistent only with an empty path and equal roots', () => {
    expect(verifyConsistency(21, 21, root, root, [])).toBe(true);
    expect(verifyConsistency(21, 21, root, leaves[0], [])).toBe(false);
    expect(verifyConsistency(21, 21, root, root, [root])).toBe(false);
  });

  it('does not mutate the caller proof when prepending first_hash', () => {
    const path = computeConsistencyProof(4, 21, nodes);
    const before = path.map((p) => p.toString('hex'));
    expect(verifyConsistency(4, 21, computeRoot(4, nodes), root, path)).toBe(true);
    expect(path.map((p) => p.toString('hex'))).toEqual(before);
  });

  it.each([
    ['negative index', () => verifyInclusion(-1, 21, leaves[0], [], root)],
    ['fractional size', () => verifyInclusion(0, 2.5, leaves[0], [], root)],
    ['NaN size', () => verifyInclusion(0, NaN, leaves[0], [], root)],
    ['index = size', () => verifyInclusion(21, 21, leaves[0], computeInclusionProof(20, 21, nodes), root)],
    ['zero tree size', () => verifyInclusion(0, 0, leaves[0], [], root)],
    ['first = 0', () => verifyConsistency(0, 21, root, root, [root])],
    ['first > second', () => verifyConsistency(22, 21, root, root, [root])],
    ['unsafe size', () => verifyConsistency(1, 2 ** 53, leaves[0], root, [root])],
    ['short proof element', () => verifyInclusion(0, 2, leaves[0], [Buffer.alloc(3)], root)],
  ])('returns false (never throws) for %s', (_label, run) => {
    expect(run()).toBe(false);
  });
});
