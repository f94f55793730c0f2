// Verification of access-log entries and checkpoints in the browser: an IG reviewer need not
// trust the gateway's word that an entry is in the signed log, or that witnesses cosigned it.
//
// Canonical JSON, the RFC 9162 hashes and proof verification are the gateway's own code
// (src/shared/verification, built into the console's assets); only signatures use WebCrypto.
import { base64ToBytes, bytesEqual, bytesToBase64 } from '../../../shared/verification/bytes.js';
import { canonicalJson } from '../../../shared/verification/canonical-json.js';
import { leafHash, verifyInclusion } from '../../../shared/verification/rfc9162.js';
import {
  parseCheckpointText,
  parseNoteKey,
  splitNote,
  verifyCosignature,
  verifyNoteSignature,
  type Ed25519Verify,
} from '../../../shared/verification/signed-note.js';

const encoder = new TextEncoder();

export interface Checkpoint {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  jws: string;
}

export interface Proof {
  index: number;
  treeSize: number;
  leafHash: string;
  auditPath: string[];
}

export interface Jwks {
  keys: Record<string, unknown>[];
}

/** GET /ig/api/witnesses: the log's key, its witnesses' keys and the latest checkpoint they cosigned. */
export interface Witnessing {
  logKey: string;
  quorum: number;
  witnesses: { name: string; key: string }[];
  note: string | null;
}

export interface Step {
  label: string;
  ok: boolean;
  detail: string;
}

const ALGORITHMS: Record<string, { import: EcKeyImportParams | Algorithm; verify: EcdsaParams | Algorithm }> = {
  ES256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { import: { name: 'Ed25519' }, verify: { name: 'Ed25519' } },
};

/**
 * Verifies the checkpoint's compact JWS with the gateway's published key: the signature (JWS
 * ES256 signatures are raw r||s, the form WebCrypto takes), the type, and that the signed
 * payload is exactly the canonical JSON of the checkpoint's treeSize, rootHash and timestamp.
 */
export async function verifyCheckpoint(
  checkpoint: Checkpoint,
  jwks: Jwks,
): Promise<{ ok: true; kid: string; alg: string } | { ok: false; why: string }> {
  const parts = typeof checkpoint.jws === 'string' ? checkpoint.jws.split('.') : [];
  if (parts.length !== 3) return { ok: false, why: 'the checkpoint signature is not a compact JWS' };
  let header: { alg?: string; typ?: string; kid?: string };
  try {
    header = JSON.parse(new TextDecoder().decode(base64ToBytes(parts[0]))) as typeof header;
  } catch {
    return { ok: false, why: 'the checkpoint signature header is not JSON' };
  }
  const alg = ALGORITHMS[header.alg ?? ''];
  if (!alg) return { ok: false, why: `unsupported signature algorithm ${header.alg}` };
  if (header.typ !== 'log-checkpoint+jwt') return { ok: false, why: `unexpected JWS type ${header.typ}` };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return { ok: false, why: `no published gateway key ${header.kid}` };
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.y ? { y: jwk.y } : {}) } as JsonWebKey;
  const key = await crypto.subtle.importKey('jwk', publicJwk, alg.import, false, ['verify']);
  const signed = encoder.encode(`${parts[0]}.${parts[1]}`);
  const valid = await crypto.subtle.verify(alg.verify, key, base64ToBytes(parts[2]), signed);
  if (!valid) return { ok: false, why: 'the checkpoint signature does not verify' };
  const expected = canonicalJson({
    rootHash: checkpoint.rootHash,
    timestamp: checkpoint.timestamp,
    treeSize: checkpoint.treeSize,
  });
  const payload = new TextDecoder().decode(base64ToBytes(parts[1]));
  if (payload !== expected) return { ok: false, why: 'the signed payload does not match the checkpoint' };
  return { ok: true, kid: header.kid ?? '', alg: header.alg ?? '' };
}

/** An entry's RFC 9162 leaf hash: of its canonical JSON, or the one a redacted view carries. */
export function entryLeaf(entry: Record<string, unknown>): Uint8Array {
  return entry.redacted === true
    ? base64ToBytes(typeof entry.leafHash === 'string' ? entry.leafHash : '')
    : leafHash(encoder.encode(canonicalJson(entry)));
}

/**
 * Checks one entry end to end: its canonical bytes hash to the proof's leaf hash, the proof
 * leads to the checkpoint's root, and the checkpoint is signed by the gateway.
 */
export async function verifyEntry(
  entry: { index: number } & Record<string, unknown>,
  proof: Proof,
  checkpoint: Checkpoint,
  jwks: Jwks,
): Promise<{ ok: boolean; redacted: boolean; steps: Step[] }> {
  const steps: Step[] = [];
  const step = (label: string, ok: boolean, detail: string): boolean => {
    steps.push({ label, ok, detail });
    return ok;
  };
  // A redacted entry is the reviewer's projection of the stored one (the data's owner and the
  // operator see it whole): its bytes are not the leaf, so only the leaf hash the gateway gave
  // with it can be checked for inclusion. Its content is not verified, and the result says so.
  const redacted = entry.redacted === true;
  const leaf = entryLeaf(entry);
  const leafOk = step(
    redacted
      ? 'Redacted entry: its leaf hash is the leaf in the proof (content not verifiable from this view)'
      : 'Entry hashes to the leaf in the proof',
    bytesEqual(leaf, base64ToBytes(proof.leafHash)),
    `leaf hash ${bytesToBase64(leaf)}`,
  );
  const sizeOk = step(
    "Proof is for the checkpoint's tree",
    proof.treeSize === checkpoint.treeSize && proof.index === entry.index,
    `entry ${entry.index} of ${proof.treeSize} entries`,
  );
  const included = verifyInclusion(
    entry.index,
    checkpoint.treeSize,
    leaf,
    proof.auditPath.map(base64ToBytes),
    base64ToBytes(checkpoint.rootHash),
  );
  const inclusionOk = step(
    'Inclusion proof leads to the checkpoint root (RFC 9162)',
    included,
    `${proof.auditPath.length} hashes in the audit path`,
  );
  const sig = await verifyCheckpoint(checkpoint, jwks);
  const sigOk = step(
    'Checkpoint is signed by the gateway',
    sig.ok,
    sig.ok ? `${sig.alg} key ${sig.kid}, signed ${checkpoint.timestamp}` : sig.why,
  );
  return { ok: leafOk && sizeOk && inclusionOk && sigOk, redacted, steps };
}

/** WebCrypto's Ed25519 check over a raw public key. */
export const webCryptoEd25519: Ed25519Verify = async (publicKey, message, signature) => {
  // Copies: WebCrypto takes views over plain ArrayBuffers only.
  const key = await crypto.subtle.importKey('raw', new Uint8Array(publicKey), { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, key, new Uint8Array(signature), new Uint8Array(message));
};

export interface WitnessCheck {
  name: string;
  /** The cosignature's time (ISO 8601), or null when this witness has no valid cosignature on it. */
  cosignedAt: string | null;
}

export interface WitnessedCheckpointCheck {
  ok: boolean;
  /** Why it does not count, when it does not. */
  why?: string;
  origin?: string;
  size?: number;
  rootHash?: string;
  witnesses: WitnessCheck[];
}

/**
 * Checks a C2SP checkpoint note in the browser: signed by the log's key, and which of the
 * witnesses' keys cosigned it (each Ed25519 cosignature verified with WebCrypto); it counts when
 * at least `quorum` did.
 */
export async function verifyWitnessedCheckpoint(
  note: string,
  logKey: string,
  witnessKeys: readonly string[],
  quorum: number,
  verify: Ed25519Verify = webCryptoEd25519,
): Promise<WitnessedCheckpointCheck> {
  const split = splitNote(note);
  const log = parseNoteKey(logKey);
  const cp = split && parseCheckpointText(split.text);
  if (!split || !cp) return { ok: false, why: 'the checkpoint is not a signed note', witnesses: [] };
  if (!log || log.name !== cp.origin) return { ok: false, why: "the log's key does not name this log", witnesses: [] };
  const witnesses: WitnessCheck[] = [];
  for (const vkey of witnessKeys) {
    const key = parseNoteKey(vkey);
    const time = key ? await verifyCosignature(split, key, verify) : null;
    witnesses.push({
      name: key?.name ?? vkey.split('+')[0],
      cosignedAt: time === null ? null : new Date(time * 1000).toISOString(),
    });
  }
  const base = { origin: cp.origin, size: cp.size, rootHash: cp.rootHash, witnesses };
  if (!(await verifyNoteSignature(split, log, verify)))
    return { ...base, ok: false, why: "the log's signature does not verify" };
  const cosigned = witnesses.filter((w) => w.cosignedAt !== null).length;
  return cosigned >= quorum
    ? { ...base, ok: true }
    : { ...base, ok: false, why: `${cosigned} of the ${quorum} cosignatures required` };
}

/**
 * Checks that an entry is in a witnessed checkpoint: the note verifies (the log's signature and
 * `quorum` cosignatures, see verifyWitnessedCheckpoint) and the proof at its size leads from the
 * entry's leaf to its root.
 */
export async function verifyEntryWitnessed(
  entry: { index: number } & Record<string, unknown>,
  proof: Proof,
  note: string,
  logKey: string,
  witnessKeys: readonly string[],
  quorum: number,
): Promise<WitnessedCheckpointCheck & { included: boolean }> {
  const check = await verifyWitnessedCheckpoint(note, logKey, witnessKeys, quorum);
  const included =
    check.size !== undefined &&
    check.rootHash !== undefined &&
    proof.treeSize === check.size &&
    proof.index === entry.index &&
    bytesEqual(entryLeaf(entry), base64ToBytes(proof.leafHash)) &&
    verifyInclusion(
      entry.index,
      check.size,
      entryLeaf(entry),
      proof.auditPath.map(base64ToBytes),
      base64ToBytes(check.rootHash),
    );
  return { ...check, included };
}
