import { Injectable } from '@nestjs/common';
import { GatewayKeysService } from '@shared/core/gateway-keys.service.js';
import { importPublicJwk, type PublicJwk } from '@shared/crypto/jwk.js';
import { SignatureRefused, verifyJws, type VerificationKey } from '@shared/crypto/signature-checker.js';
import { base64ToBytes } from '@shared/verification/bytes.js';
import { canonicalJson } from '@shared/verification/canonical-json.js';
import { verifyInclusion } from '@shared/verification/rfc9162.js';
import {
  AccessLogProofs,
  CHECKPOINT_TYPE,
  CheckpointService,
  type SignedCheckpoint,
} from '@modules/access-log/index.js';
import { EXCHANGE_RESPONSE_TYPE, type ResponseBundle } from '../domain/response-bundle.js';

/** The outcome of checking a response bundle and its receipt, as its recipient would. */
export type ReceiptCheck =
  | {
      ok: true;
      bundle: ResponseBundle;
      /** The gateway key that signed the bundle, and when the bundle says it was issued. */
      kid: string;
      issuedAt: string;
      /** The receipt's access-log entry, in the signed checkpoint of `treeSize` entries made at `checkpointAt`. */
      index: number;
      treeSize: number;
      checkpointAt: string;
      /** What the check used, for a verifier of the reader's own (the page's browser check). */
      evidence: {
        jwks: { keys: Record<string, unknown>[] };
        checkpoint: SignedCheckpoint;
        proof: { index: number; treeSize: number; leafHash: string; auditPath: string[] };
      };
    }
  /** `bundle` only where its signature verified (what failed is then the receipt). */
  | { ok: false; bundle: ResponseBundle | null; why: string };

/**
 * Verifies a response bundle as its recipient would, trusting only the gateway's published keys
 * (the keys of /.well-known/jwks.json) and RFC 9162, with the same steps as `npm run verify-bundle`:
 *
 * 1. the bundle is a JWS of type exchange-response+jwt by one of those keys, for this request;
 * 2. a signed checkpoint whose tree holds the receipt's entry (the newest one; when none holds it
 *    yet, one signed now, as POST /access-log/checkpoints would) is a JWS of type
 *    log-checkpoint+jwt by one of those keys over exactly its canonical { rootHash, timestamp, treeSize };
 * 3. the RFC 9162 inclusion proof of the receipt's leaf hash at its index leads to that root
 *    (checked by src/shared/verification, the code the browsers' verifiers run).
 *
 * Any failure is answered with its reason, never thrown; an outage of the database is thrown.
 */
@Injectable()
export class ResponseReceipts {
  constructor(
    private readonly keys: GatewayKeysService,
    private readonly checkpoints: CheckpointService,
    private readonly proofs: AccessLogProofs,
  ) {}

  async verify(requestId: string, responseJws: string): Promise<ReceiptCheck> {
    const jwks = await this.keys.jwks();
    const published = jwks.keys as unknown as PublicJwk[];
    const key = async (kid: string): Promise<VerificationKey | null> => {
      const jwk = published.find((k) => k.kid === kid);
      return jwk ? { key: await importPublicJwk(jwk), alg: jwk.alg } : null;
    };
    let bundle: ResponseBundle;
    let kid: string;
    try {
      const signed = await verifyJws(responseJws.trim(), { typ: EXCHANGE_RESPONSE_TYPE, key });
      bundle = JSON.parse(new TextDecoder().decode(signed.payload)) as ResponseBundle;
      kid = String(signed.header.kid);
    } catch (e) {
      if (e instanceof SignatureRefused || e instanceof SyntaxError)
        return { ok: false, bundle: null, why: `the response's signature does not verify (${e.message})` };
      throw e;
    }
    if (bundle.requestId !== requestId) return { ok: false, bundle: null, why: 'the response is for another request' };
    const { index, leafHash } = bundle.receipt;
    let cp: SignedCheckpoint = await this.checkpoints.latest();
    if (cp.treeSize <= index) cp = await this.checkpoints.checkpoint();
    if (cp.treeSize <= index)
      return { ok: false, bundle, why: `no signed checkpoint holds access-log entry ${index} yet` };
    try {
      const signed = await verifyJws(cp.jws, { typ: CHECKPOINT_TYPE, key });
      const expected = canonicalJson({ rootHash: cp.rootHash, timestamp: cp.timestamp, treeSize: cp.treeSize });
      if (new TextDecoder().decode(signed.payload) !== expected)
        return { ok: false, bundle, why: 'the checkpoint signature is over another tree than the one served' };
    } catch (e) {
      if (e instanceof SignatureRefused)
        return { ok: false, bundle, why: `the checkpoint's signature does not verify (${e.message})` };
      throw e;
    }
    const proof = await this.proofs.inclusion(index, cp.treeSize);
    if (proof.leafHash !== leafHash)
      return { ok: false, bundle, why: `access-log entry ${index} is not the entry the receipt names` };
    const included = verifyInclusion(
      index,
      cp.treeSize,
      base64ToBytes(leafHash),
      proof.auditPath.map(base64ToBytes),
      base64ToBytes(cp.rootHash),
    );
    if (!included)
      return {
        ok: false,
        bundle,
        why: `the inclusion proof of entry ${index} does not lead to the signed root of the tree of size ${cp.treeSize}`,
      };
    return {
      ok: true,
      bundle,
      kid,
      issuedAt: bundle.issuedAt,
      index,
      treeSize: cp.treeSize,
      checkpointAt: cp.timestamp,
      evidence: { jwks, checkpoint: cp, proof },
    };
  }
}
