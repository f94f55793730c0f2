/** RFC 9162 (Certificate Transparency v2) Merkle tree for the access log; pure and I/O-free. */
export { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash, nodeHashEngine, nodeHashReady } from './hashes.js';
export type { NodeKey, NodeLookup, StoredNode } from './types.js';
export {
  assertTreeSize,
  decomposeRange,
  highestPowerOfTwoAtMost,
  isPowerOfTwo,
  largestPowerOfTwoBelow,
  log2Exact,
  lsb,
  popCount,
  shiftRight,
} from './tree-math.js';
export {
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
export {
  EMPTY_FRONTIER,
  TreeBuilder,
  appendLeaves,
  frontierFromJson,
  frontierFromNodes,
  frontierToJson,
  rootFromFrontier,
} from './appender.js';
export type { AppendResult, Frontier, FrontierJson } from './appender.js';
export { verifyConsistency, verifyInclusion } from './verify.js';
export type { NodeHashFn } from './verify.js';
