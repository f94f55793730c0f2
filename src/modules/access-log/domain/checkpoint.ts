/**
 * A signed checkpoint (tree head) of the access log.
 *
 * The JWS is a compact JWS (RFC 7515) by the gateway's key, protected header
 * `{ alg, kid, typ: "log-checkpoint+jwt" }`, whose payload is exactly the UTF-8 bytes of the
 * RFC 8785 canonical JSON of `{ rootHash, timestamp, treeSize }`, e.g.
 *   {"rootHash":"<base64 of the 32-byte RFC 9162 root>","timestamp":"2025-11-22T10:11:12.345Z","treeSize":2000}
 * An outsider verifies it with a key from /.well-known/jwks.json, parses the payload and compares
 * the three members with the checkpoint served beside it.
 */
import { canonicalJsonBytes } from '@shared/crypto/canonical-json.js';

export const CHECKPOINT_TYPE = 'log-checkpoint+jwt';

export interface CheckpointBody {
  treeSize: number;
  /** Standard base64 of the RFC 9162 Merkle tree hash. */
  rootHash: string;
  /** RFC 3339 UTC with milliseconds. */
  timestamp: string;
}

export interface SignedCheckpoint extends CheckpointBody {
  jws: string;
}

/** The exact bytes the gateway signs for a checkpoint. */
export function checkpointPayload(body: CheckpointBody): Buffer {
  return canonicalJsonBytes({ rootHash: body.rootHash, timestamp: body.timestamp, treeSize: body.treeSize });
}
