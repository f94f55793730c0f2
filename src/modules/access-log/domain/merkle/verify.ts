/**
 * RFC 9162 proof verification for the server: the shared verifiers of
 * src/shared/verification/rfc9162.ts (one source with the IG console's browser code), with the
 * node:crypto node hash of hashes.ts by default.
 */
import {
  verifyConsistency as verifyConsistencyWith,
  verifyInclusion as verifyInclusionWith,
  type NodeHashFn,
} from '../../../../shared/verification/rfc9162.js';
import { nodeHash } from './hashes.js';

export type { NodeHashFn };

/** RFC 9162 2.1.3.2 (see the shared verifier); never throws on malformed proof data. */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  inclusionPath: readonly Uint8Array[],
  rootHash: Uint8Array,
  hashNode: NodeHashFn = nodeHash,
): boolean {
  return verifyInclusionWith(leafIndex, treeSize, leafHash, inclusionPath, rootHash, hashNode);
}

/** RFC 9162 2.1.4.2 (see the shared verifier); never throws on malformed proof data. */
export function verifyConsistency(
  first: number,
  second: number,
  firstHash: Uint8Array,
  secondHash: Uint8Array,
  consistencyPath: readonly Uint8Array[],
  hashNode: NodeHashFn = nodeHash,
): boolean {
  return verifyConsistencyWith(first, second, firstHash, secondHash, consistencyPath, hashNode);
}
