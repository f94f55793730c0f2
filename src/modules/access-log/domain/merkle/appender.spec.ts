import {
  appendLeaves,
  EMPTY_FRONTIER,
  frontierFromJson,
  frontierFromNodes,
  frontierToJson,
  rootFromFrontier,
  type Frontier,
} from './appender.js';
import { EMPTY_ROOT, leafHash, nodeHash } from './hashes.js';
import { nodeLookupFrom, planRoot } from './proofs.js';
import { popCount } from './tree-math.js';

const leaves = Array.from({ length: 300 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

describe('appender', () => {
  it('appends to the empty tree', () => {
    const { frontier, newNodes } = appendLeaves(EMPTY_FRONTIER, [leaves[0], leaves[1], leaves[2]]);
    expect(frontier.size).toBe(3);
    expect(newNodes.map(({ level, index }) => [level, index])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [0, 2],
    ]);
    expect(frontier.hashes).toEqual([nodeHash(leaves[0], leaves[1]), leaves[2]]);
    expect(rootFromFrontier(frontier).equals(nodeHash(nodeHash(leaves[0], leaves[1]), leaves[2]))).toBe(true);
  });

  it('creates popCount(n) + k - popCount(n + k) interior nodes per batch', () => {
    let frontier: Frontier = EMPTY_FRONTIER;
    let offset = 0;
    for (const k of [1, 2, 5, 0, 64, 3, 100, 125]) {
      const n = frontier.size;
      const result = appendLeaves(frontier, leaves.slice(offset, offset + k));
      const interior = result.newNodes.filter((node) => node.level > 0).length;
      expect(interior).toBe(popCount(n) + k - popCount(n + k));
      expect(result.newNodes.length - interior).toBe(k);
      frontier = result.frontier;
      offset += k;
    }
    expect(frontier.size).toBe(300);
  });

  it('does not modify the input frontier', () => {
    const { frontier } = appendLeaves(EMPTY_FRONTIER, leaves.slice(0, 7));
    const before = frontierToJson(frontier);
    appendLeaves(frontier, leaves.slice(7, 20));
    expect(frontierToJson(frontier)).toEqual(before);
    expect(EMPTY_FRONTIER.size).toBe(0);
    expect(EMPTY_FRONTIER.hashes).toHaveLength(0);
  });

  it('returns a copy of the empty root and of a single-subtree root', () => {
    const empty = rootFromFrontier(EMPTY_FRONTIER);
    expect(empty.equals(EMPTY_ROOT)).toBe(true);
    expect(empty).not.toBe(EMPTY_ROOT);
    const { frontier } = appendLeaves(EMPTY_FRONTIER, leaves.slice(0, 8));
    expect(rootFromFrontier(frontier)).not.toBe(frontier.hashes[0]);
  });

  it('round-trips the frontier through JSON and can keep appending', () => {
    const first = appendLeaves(EMPTY_FRONTIER, leaves.slice(0, 123));
    const json = JSON.parse(JSON.stringify(frontierToJson(first.frontier))) as unknown;
    const restored = frontierFromJson(json);
    expect(restored.size).toBe(123);
    expect(rootFromFrontier(restored).equals(rootFromFrontier(first.frontier))).toBe(true);

    const continued = appendLeaves(restored, leaves.slice(123));
    const direct = appendLeaves(EMPTY_FRONTIER, leaves);
    expect(rootFromFrontier(continued.frontier).equals(rootFromFrontier(direct.frontier))).toBe(true);
  });

  it('rebuilds the frontier from stored nodes fetched with planRoot', () => {
    const { frontier, newNodes } = appendLeaves(EMPTY_FRONTIER, leaves.slice(0, 77));
    const planned = new Set(planRoot(77).map(({ level, index }) => `${level}/${index}`));
    const rebuilt = frontierFromNodes(
      77,
      nodeLookupFrom(newNodes.filter(({ level, index }) => planned.has(`${level}/${index}`))),
    );
    expect(frontierToJson(rebuilt)).toEqual(frontierToJson(frontier));
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'x'],
    ['a missing size', { hashes: [] }],
    ['a negative size', { size: -1, hashes: [] }],
    ['a fractional size', { size: 1.5, hashes: [] }],
    ['too few hashes', { size: 3, hashes: [Buffer.alloc(32).toString('base64')] }],
    ['too many hashes', { size: 0, hashes: [Buffer.alloc(32).toString('base64')] }],
    ['a short hash', { size: 1, hashes: [Buffer.alloc(31).toString('base64')] }],
    ['a non-string hash', { size: 1, hashes: [42] }],
    ['non-canonical base64', { size: 1, hashes: [`${Buffer.alloc(32).toString('base64')}!!`] }],
  ])('frontierFromJson rejects %s', (_label, json) => {
    expect(() => frontierFromJson(json)).toThrow();
  });

  it('rejects leaf hashes that are not 32 bytes and inconsistent frontiers', () => {
    expect(() => appendLeaves(EMPTY_FRONTIER, [Buffer.from('not a hash')])).toThrow(RangeError);
    expect(() => appendLeaves({ size: 2, hashes: [] }, [leaves[0]])).toThrow(RangeError);
  });
});
