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
import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from '../../src/shared/verification/canonical-json.js';
import { leafHash, verifyInclusion, verifyConsistency } from '../../src/shared/verification/rfc9162.js';
import { sha256 } from '../../src/shared/verification/sha256.js';
import { computeConsistencyProof } from '../../src/modules/access-log/domain/merkle/index.js';
import {
  Ed25519Cosigner,
  Ed25519NoteSigner,
  formatCheckpoint,
  newEd25519Seed,
  signNote,
} from '../../src/modules/access-log/domain/note/index.js';
import {
  verifyCheckpoint,
  verifyEntry,
  verifyWitnessedCheckpoint,
} from '../../src/modules/ig-console/static/verify.js';

/**
 * The code the console's browser modules are built from (src/shared/verification, with its
 * plain TypeScript SHA-256, and static/verify.ts with WebCrypto signatures) against the server's
 * node:crypto Merkle code, signer and note signers, run in Node (which has the same WebCrypto).
 */
describe('browser verification (src/shared/verification, static/verify.ts)', () => {
  it('hashes exactly as node:crypto SHA-256 does, across block boundaries', () => {
    for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4097]) {
      const data = randomBytes(n);
      expect(Buffer.from(sha256(data)).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('verifies consistency proofs of trees up to 24 leaves as the server computes them', () => {
    const leaves = Array.from({ length: 24 }, (_, i) => serverLeafHash(Buffer.from(`entry-${i}`)));
    const { newNodes } = appendLeaves(EMPTY_FRONTIER, leaves);
    const nodes = nodeLookupFrom(newNodes);
    const rootOf = (n: number) =>
      new Uint8Array(rootFromFrontier(appendLeaves(EMPTY_FRONTIER, leaves.slice(0, n)).frontier));
    for (let m = 1; m <= 24; m++)
      for (let n = m; n <= 24; n++) {
        const proof = computeConsistencyProof(m, n, nodes).map((h) => new Uint8Array(h));
        expect([m, n, verifyConsistency(m, n, rootOf(m), rootOf(n), proof)]).toEqual([m, n, true]);
        if (m < n) expect(verifyConsistency(m, n, rootOf(m), rootOf(m), proof)).toBe(false);
      }
  });

  it('names the cosigning witnesses of a checkpoint note and verifies each Ed25519 signature with WebCrypto', async () => {
    const log = new Ed25519NoteSigner('gw.example/access-log', newEd25519Seed());
    const w1 = new Ed25519Cosigner('witness.one.example/w1', newEd25519Seed());
    const w2 = new Ed25519Cosigner('witness.two.example/w1', newEd25519Seed());
    const w3 = new Ed25519Cosigner('witness.three.example/w1', newEd25519Seed());
    const text = formatCheckpoint({ origin: 'gw.example/access-log', size: 7, rootHash: Buffer.alloc(32, 9) });
    const t = 1_767_000_000;
    const note = `${signNote(text, [log]).trimEnd()}\n${w1.cosign(text, t)}\n${w2.cosign(text, t + 1)}\n`;
    const keys = [w1, w2, w3].map((w) => w.verifierKey);
    const ok = await verifyWitnessedCheckpoint(note, log.verifierKey, keys, 2);
    expect(ok).toMatchObject({ ok: true, origin: 'gw.example/access-log', size: 7 });
    expect(ok.witnesses).toEqual([
      { name: 'witness.one.example/w1', cosignedAt: new Date(t * 1000).toISOString() },
      { name: 'witness.two.example/w1', cosignedAt: new Date((t + 1) * 1000).toISOString() },
      { name: 'witness.three.example/w1', cosignedAt: null },
    ]);
    await expect(verifyWitnessedCheckpoint(note, log.verifierKey, keys, 3)).resolves.toMatchObject({ ok: false });
    // Another size under the same signature lines: neither the log's signature nor a cosignature holds.
    const forged = await verifyWitnessedCheckpoint(note.replace('\n7\n', '\n8\n'), log.verifierKey, keys, 0);
    expect(forged.ok).toBe(false);
    expect(forged.witnesses.every((w) => w.cosignedAt === null)).toBe(true);
    const stranger = new Ed25519NoteSigner('gw.example/access-log', newEd25519Seed());
    await expect(verifyWitnessedCheckpoint(note, stranger.verifierKey, keys, 0)).resolves.toMatchObject({ ok: false });
  });

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

  it('accepts every inclusion proof of trees up to 40 leaves and rejects a tampered one', () => {
    for (let size = 1; size <= 40; size++) {
      const leaves = Array.from({ length: size }, (_, i) => serverLeafHash(Buffer.from(`entry-${i}`)));
      const { frontier, newNodes } = appendLeaves(EMPTY_FRONTIER, leaves);
      const nodes = nodeLookupFrom(newNodes);
      const root = new Uint8Array(rootFromFrontier(frontier));
      for (let i = 0; i < size; i++) {
        const proof = computeInclusionProof(i, size, nodes).map((h) => new Uint8Array(h));
        expect(verifyInclusion(i, size, new Uint8Array(leaves[i]), proof, root)).toBe(true);
        if (i + 1 < size) expect(verifyInclusion(i + 1, size, new Uint8Array(leaves[i]), proof, root)).toBe(false);
      }
    }
  });

  it('hashes leaves as RFC 9162 does', () => {
    const bytes = new TextEncoder().encode('{"a":1}');
    expect(Buffer.from(leafHash(bytes))).toEqual(serverLeafHash(bytes));
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
