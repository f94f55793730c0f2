// Checks a response's receipt again in the reader's browser, so the word "Verified" does not rest
// on the gateway alone: the bundle's signature and the checkpoint's with WebCrypto against the
// published keys the page carries (the keys of /.well-known/jwks.json), and the RFC 9162 inclusion
// proof with the gateway's own verification code (src/shared/verification, built for browsers
// and served with the IG console), imported, never copied.
import { base64ToBytes } from '/ig/assets/verification/bytes.js';
import { verifyInclusion } from '/ig/assets/verification/rfc9162.js';
import { verifyCheckpoint } from '/ig/assets/verify.js';

const ALGORITHMS = {
  ES256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { import: { name: 'Ed25519' }, verify: { name: 'Ed25519' } },
};

/** The payload of a compact JWS of type `typ` by a key of `jwks`, or throws saying why not. */
async function verifiedPayload(jws, typ, jwks) {
  const parts = jws.trim().split('.');
  if (parts.length !== 3) throw new Error('the response is not a compact JWS');
  const header = JSON.parse(new TextDecoder().decode(base64ToBytes(parts[0])));
  const alg = ALGORITHMS[header.alg];
  if (!alg) throw new Error(`unsupported algorithm ${header.alg}`);
  if (header.typ !== typ) throw new Error(`unexpected type ${header.typ}`);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`no published gateway key ${header.kid}`);
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.y ? { y: jwk.y } : {}) },
    alg.import,
    false,
    ['verify'],
  );
  const signed = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
  if (!(await crypto.subtle.verify(alg.verify, key, base64ToBytes(parts[2]), signed)))
    throw new Error("the response's signature does not verify");
  return { kid: header.kid, payload: JSON.parse(new TextDecoder().decode(base64ToBytes(parts[1]))) };
}

async function check(e) {
  const { kid, payload: bundle } = await verifiedPayload(e.bundle, 'exchange-response+jwt', e.jwks);
  if (bundle.requestId !== e.requestId) throw new Error('the response is for another request');
  const cp = await verifyCheckpoint(e.checkpoint, e.jwks);
  if (!cp.ok) throw new Error(cp.why);
  const { index, leafHash } = bundle.receipt;
  const included =
    e.proof.index === index &&
    e.proof.leafHash === leafHash &&
    e.proof.treeSize === e.checkpoint.treeSize &&
    verifyInclusion(
      index,
      e.checkpoint.treeSize,
      base64ToBytes(leafHash),
      e.proof.auditPath.map(base64ToBytes),
      base64ToBytes(e.checkpoint.rootHash),
    );
  if (!included) throw new Error(`the inclusion proof of entry ${index} does not lead to the signed root`);
  return `Your browser checked it too: signed by the gateway key ${kid}, access log entry ${index} included in the tree of size ${e.checkpoint.treeSize}.`;
}

const receipt = document.getElementById('receipt');
const out = document.getElementById('browser-check');
if (receipt && out) {
  check(JSON.parse(receipt.dataset.evidence))
    .then((text) => {
      out.textContent = text;
      out.dataset.outcome = 'verified';
    })
    .catch((e) => {
      out.textContent = `Your browser could not verify this response: ${e.message}. Do not rely on it; tell your information governance team.`;
      out.dataset.outcome = 'failed';
      out.classList.add('govuk-!-font-weight-bold');
    });
}
