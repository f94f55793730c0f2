import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson as serverCanonicalJson } from '../../src/shared/crypto/canonical-json.js';
import { GatewaySigner } from '../../src/shared/crypto/gateway-signer.js';
import {
  appendLeaves,
  computeInclusionProof,
  EMPTY_FRONTIER,
  leafHash as serverLeafHash,
  nodeLookupFrom,
  rootFromFrontier,
} from '../../src/modules/access-log/domain/merkle/index.js';
import { CHECKPOINT_TYPE, checkpointPayload } from '../../src/modules/access-log/index.js';
import {
  canonicalJson,
  leafHash,
  verifyCheckpoint,
  verifyEntry,
  verifyInclusion,
} from '../../src/modules/ig-console/static/verify.js';

/**
 * The console's browser verifier (static/verify.js, WebCrypto) against the server's own Merkle
 * code and signer, run in Node (which has the same WebCrypto): the port must agree exactly.
 */
describe('static/verify.js', () => {
  it('canonicalises entries exactly as the server does (RFC 8785)', () => {
    const entry = {
      timestamp: '2026-01-01T00:00:00.000Z',
      actor: { sub: 'user:é', org: 'x', roles: [] },
      reason: 'line\nbreak "quoted" \u2028 😀',
      index: 12,
      agreement: null,
      breakGlass: false,
      z: [1, 'a', { b: 2, a: 1 }],
    };
    expect(canonicalJson(entry)).toBe(serverCanonicalJson(entry));
  });

  it('accepts every inclusion proof of trees up to 40 leaves and rejects a tampered one', async () => {
    for (let size = 1; size <= 40; size++) {
      const leaves = Array.from({ length: size }, (_, i) => serverLeafHash(Buffer.from(`entry-${i}`)));
      const { frontier, newNodes } = appendLeaves(EMPTY_FRONTIER, leaves);
      const nodes = nodeLookupFrom(newNodes);
      const root = new Uint8Array(rootFromFrontier(frontier));
      for (let i = 0; i < size; i++) {
        const proof = computeInclusionProof(i, size, nodes).map((h) => new Uint8Array(h));
        expect(await verifyInclusion(i, size, new Uint8Array(leaves[i]), proof, root)).toBe(true);
        if (i + 1 < size)
          expect(await verifyInclusion(i + 1, size, new Uint8Array(leaves[i]), proof, root)).toBe(false);
      }
    }
  });

  it('hashes leaves as RFC 9162 does', async () => {
    const bytes = new TextEncoder().encode('{"a":1}');
    expect(Buffer.from(await leafHash(bytes))).toEqual(serverLeafHash(bytes));
  });

  it('verifies a checkpoint the gateway signed, and refuses one with a changed member', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ig-verify-'));
    try {
      const signer = await GatewaySigner.load({ privateJwk: undefined, dataDir });
      const body = {
        treeSize: 5,
        rootHash: Buffer.alloc(32, 7).toString('base64'),
        timestamp: '2026-01-05T09:00:00.000Z',
      };
      const jws = await signer.sign(checkpointPayload(body), CHECKPOINT_TYPE);
      const jwks = { keys: [signer.publicJwk as unknown as Record<string, unknown>] };
      await expect(verifyCheckpoint({ ...body, jws }, jwks)).resolves.toMatchObject({ ok: true, kid: signer.kid });
      await expect(verifyCheckpoint({ ...body, treeSize: 6, jws }, jwks)).resolves.toMatchObject({ ok: false });
      await expect(verifyCheckpoint({ ...body, jws }, { keys: [] })).resolves.toMatchObject({ ok: false });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('verifies a redacted entry by the inclusion of its leaf hash, says so, and refuses a wrong hash', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ig-verify-'));
    try {
      const stored = {
        index: 1,
        timestamp: '2026-01-05T09:00:00.000Z',
        ownerOrg: 'nps-north-east',
        reasons: ['not_found', 'restricted case'],
        decision: 'DENY',
      };
      const leaves = [Buffer.from('entry-0'), Buffer.from(serverCanonicalJson(stored)), Buffer.from('entry-2')].map(
        (b) => serverLeafHash(b),
      );
      const { frontier, newNodes } = appendLeaves(EMPTY_FRONTIER, leaves);
      const auditPath = computeInclusionProof(1, 3, nodeLookupFrom(newNodes)).map((h) => h.toString('base64'));
      const leaf = leaves[1].toString('base64');
      const signer = await GatewaySigner.load({ privateJwk: undefined, dataDir });
      const body = {
        treeSize: 3,
        rootHash: rootFromFrontier(frontier).toString('base64'),
        timestamp: '2026-01-05T09:00:01.000Z',
      };
      const checkpoint = { ...body, jws: await signer.sign(checkpointPayload(body), CHECKPOINT_TYPE) };
      const jwks = { keys: [signer.publicJwk as unknown as Record<string, unknown>] };
      const proof = { index: 1, treeSize: 3, leafHash: leaf, auditPath };

      const redacted = { ...stored, ownerOrg: null, reasons: ['not_found'], redacted: true, leafHash: leaf };
      const seen = await verifyEntry(redacted, proof, checkpoint, jwks);
      expect(seen).toMatchObject({ ok: true, redacted: true });
      expect(seen.steps[0].label).toMatch(/Redacted entry/);
      // Re-hashing the projection would fail: only the leaf hash it carries is checked.
      await expect(
        verifyEntry({ ...redacted, leafHash: leaves[0].toString('base64') }, proof, checkpoint, jwks),
      ).resolves.toMatchObject({ ok: false });
      await expect(verifyEntry(stored, proof, checkpoint, jwks)).resolves.toMatchObject({ ok: true, redacted: false });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
