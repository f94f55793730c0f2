// Verification of access-log entries in the browser, with WebCrypto only: an IG reviewer need
// not trust the gateway's word that an entry is in the signed log.
//
// verifyInclusion is a line-by-line port of src/modules/access-log/domain/merkle/verify.ts
// (RFC 9162 section 2.1.3.2), made async because WebCrypto's digest is.

const encoder = new TextEncoder();

/** RFC 8785 canonical JSON for the values an entry holds (strings, integers, booleans, null, arrays, objects). */
export function canonicalJson(value) {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('not I-JSON');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  // RFC 8785 sorts member names by UTF-16 code units, which is what the default sort compares.
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

export function base64ToBytes(b64) {
  const std = b64.replace(/-/g, '+').replace(/_/g, '/');
  const padded = std + '='.repeat((4 - (std.length % 4)) % 4);
  const bin = atob(padded);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

function concat(prefix, ...parts) {
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  out[0] = prefix;
  let at = 1;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** SHA-256(0x00 || leaf) */
export function leafHash(leafBytes) {
  return sha256(concat(0x00, leafBytes));
}

/** SHA-256(0x01 || left || right) */
export function nodeHash(left, right) {
  return sha256(concat(0x01, left, right));
}

function isSize(n) {
  return Number.isSafeInteger(n) && n >= 0;
}
const lsb = (n) => n % 2 === 1;
const shr = (n) => Math.floor(n / 2);

export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** RFC 9162 2.1.3.2: whether `inclusionPath` proves `leaf` is leaf `leafIndex` of the tree of `treeSize` with root `rootHash`. */
export async function verifyInclusion(leafIndex, treeSize, leaf, inclusionPath, rootHash) {
  if (!isSize(leafIndex) || !isSize(treeSize)) return false;
  if (leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of inclusionPath) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      r = await nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = shr(fn);
    sn = shr(sn);
  }
  return sn === 0 && bytesEqual(r, rootHash);
}

const ALGORITHMS = {
  ES256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { import: { name: 'Ed25519' }, verify: { name: 'Ed25519' } },
};

/**
 * Verifies the checkpoint's compact JWS with the gateway's published key: the signature (JWS
 * ES256 signatures are raw r||s, the form WebCrypto takes), the type, and that the signed
 * payload is exactly the canonical JSON of the checkpoint's treeSize, rootHash and timestamp.
 */
export async function verifyCheckpoint(checkpoint, jwks) {
  const parts = typeof checkpoint.jws === 'string' ? checkpoint.jws.split('.') : [];
  if (parts.length !== 3) return { ok: false, why: 'the checkpoint signature is not a compact JWS' };
  const header = JSON.parse(new TextDecoder().decode(base64ToBytes(parts[0])));
  const alg = ALGORITHMS[header.alg];
  if (!alg) return { ok: false, why: `unsupported signature algorithm ${header.alg}` };
  if (header.typ !== 'log-checkpoint+jwt') return { ok: false, why: `unexpected JWS type ${header.typ}` };
  const jwk = (jwks.keys || []).find((k) => k.kid === header.kid);
  if (!jwk) return { ok: false, why: `no published gateway key ${header.kid}` };
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.y ? { y: jwk.y } : {}) };
  const key = await crypto.subtle.importKey('jwk', publicJwk, alg.import, false, ['verify']);
  const signed = encoder.encode(`${parts[0]}.${parts[1]}`);
  const valid = await crypto.subtle.verify(alg.verify, key, base64ToBytes(parts[2]), signed);
  if (!valid) return { ok: false, why: 'the checkpoint signature does not verify' };
  const expected = canonicalJson({ rootHash: checkpoint.rootHash, timestamp: checkpoint.timestamp, treeSize: checkpoint.treeSize });
  const payload = new TextDecoder().decode(base64ToBytes(parts[1]));
  if (payload !== expected) return { ok: false, why: 'the signed payload does not match the checkpoint' };
  return { ok: true, kid: header.kid, alg: header.alg };
}

/**
 * Checks one entry end to end: its canonical bytes hash to the proof's leaf hash, the proof
 * leads to the checkpoint's root, and the checkpoint is signed by the gateway.
 * Returns { ok, steps: [{ label, ok, detail }] }.
 */
export async function verifyEntry(entry, proof, checkpoint, jwks) {
  const steps = [];
  const step = (label, ok, detail) => {
    steps.push({ label, ok, detail });
    return ok;
  };
  // A redacted entry is the reviewer's projection of the stored one (the data's owner and the
  // operator see it whole): its bytes are not the leaf, so only the leaf hash the gateway gave
  // with it can be checked for inclusion. Its content is not verified, and the result says so.
  const redacted = entry.redacted === true;
  const leaf = redacted ? base64ToBytes(String(entry.leafHash ?? '')) : await leafHash(encoder.encode(canonicalJson(entry)));
  const leafOk = redacted
    ? step('Redacted entry: its leaf hash is the leaf in the proof (content not verifiable from this view)', bytesEqual(leaf, base64ToBytes(proof.leafHash)), `leaf hash ${bytesToBase64(leaf)}`)
    : step('Entry hashes to the leaf in the proof', bytesEqual(leaf, base64ToBytes(proof.leafHash)), `leaf hash ${bytesToBase64(leaf)}`);
  const sizeOk = step('Proof is for the checkpoint\'s tree', proof.treeSize === checkpoint.treeSize && proof.index === entry.index, `entry ${entry.index} of ${proof.treeSize} entries`);
  const included = await verifyInclusion(entry.index, checkpoint.treeSize, leaf, proof.auditPath.map(base64ToBytes), base64ToBytes(checkpoint.rootHash));
  const inclusionOk = step('Inclusion proof leads to the checkpoint root (RFC 9162)', included, `${proof.auditPath.length} hashes in the audit path`);
  const sig = await verifyCheckpoint(checkpoint, jwks);
  const sigOk = step('Checkpoint is signed by the gateway', sig.ok, sig.ok ? `${sig.alg} key ${sig.kid}, signed ${checkpoint.timestamp}` : sig.why);
  return { ok: leafOk && sizeOk && inclusionOk && sigOk, redacted, steps };
}
