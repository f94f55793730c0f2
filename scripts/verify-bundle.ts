/**
 * Verifies an exchange response bundle as its recipient would, trusting nothing but the
 * gateway's published keys (GET /.well-known/jwks.json) and RFC 9162:
 *
 * 1. the bundle is a JWS (typ exchange-response+jwt) by a key in the JWKS;
 * 2. with a checkpoint and a proof: the checkpoint is a JWS (typ log-checkpoint+jwt) by a key in
 *    the JWKS over the canonical { rootHash, timestamp, treeSize }, and the proof shows the
 *    bundle's receipt (its leaf hash at its index) is in the tree of that size and root.
 *
 *   node dist/scripts/verify-bundle.js --bundle bundle.jws --jwks jwks.json \
 *     [--checkpoint checkpoint.json --proof proof.json]
 *
 * Every input is a file (or a URL for --jwks, which needs no token), so the check can run
 * anywhere, long after the fact. Exits 0 when everything holds, 1 otherwise.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { canonicalJson } from '@shared/crypto/canonical-json.js';
import { SIGNATURE_ALGORITHMS } from '@shared/crypto/signature-checker.js';
import { verifyInclusion } from '@modules/access-log/domain/merkle/verify.js';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    jwks: { type: 'string' },
    checkpoint: { type: 'string' },
    proof: { type: 'string' },
  },
});

function fail(msg: string): never {
  process.stderr.write(`NOT VERIFIED: ${msg}\n`);
  process.exit(1);
}

if (!values.bundle || !values.jwks) fail('usage: verify-bundle --bundle <file> --jwks <file|url> [--checkpoint <file> --proof <file>]');
if (!!values.checkpoint !== !!values.proof) fail('--checkpoint and --proof go together');

const jwksText = /^https?:\/\//.test(values.jwks) ? await (await fetch(values.jwks)).text() : readFileSync(values.jwks, 'utf8');
const keys = createLocalJWKSet(JSON.parse(jwksText) as JSONWebKeySet);
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

async function verifyJws(jws: string, typ: string): Promise<string> {
  try {
    const { payload, protectedHeader } = await compactVerify(jws.trim(), keys, { algorithms: [...SIGNATURE_ALGORITHMS] });
    if (protectedHeader.typ !== typ) fail(`typ is ${String(protectedHeader.typ)}, expected ${typ}`);
    return new TextDecoder().decode(payload);
  } catch (e) {
    return fail(`${typ} signature: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const bundle = JSON.parse(await verifyJws(readFileSync(values.bundle, 'utf8'), 'exchange-response+jwt')) as {
  requestId: string;
  crn: string;
  purpose: string;
  agreementId: string;
  agreementVersion: number;
  fieldsWithheld: string[];
  issuedAt: string;
  retainUntil: string;
  receipt: { index: number; leafHash: string; timestamp: string };
};
const out = [
  'bundle signature: OK (a key of the gateway JWKS)',
  `request ${bundle.requestId}: ${bundle.crn} for ${bundle.purpose} under agreement ${bundle.agreementId} v${bundle.agreementVersion}`,
  `issued ${bundle.issuedAt}; keep until ${bundle.retainUntil}; ${bundle.fieldsWithheld.length} fields withheld`,
  `receipt: log index ${bundle.receipt.index}, leaf hash ${bundle.receipt.leafHash}`,
];

if (values.checkpoint && values.proof) {
  const cp = JSON.parse(readFileSync(values.checkpoint, 'utf8')) as { treeSize: number; rootHash: string; timestamp: string; jws: string };
  const signed = await verifyJws(cp.jws, 'log-checkpoint+jwt');
  if (signed !== canonicalJson({ rootHash: cp.rootHash, timestamp: cp.timestamp, treeSize: cp.treeSize })) fail('the checkpoint JWS does not sign the checkpoint served beside it');
  const proof = JSON.parse(readFileSync(values.proof, 'utf8')) as { index: number; treeSize: number; leafHash: string; auditPath: string[] };
  if (proof.index !== bundle.receipt.index || proof.leafHash !== bundle.receipt.leafHash) fail('the proof is for another entry than the receipt');
  if (proof.treeSize !== cp.treeSize) fail(`the proof is for tree size ${proof.treeSize}, the checkpoint for ${cp.treeSize}`);
  if (!verifyInclusion(proof.index, proof.treeSize, bytes(bundle.receipt.leafHash), proof.auditPath.map(bytes), bytes(cp.rootHash))) {
    fail('the inclusion proof does not lead to the checkpoint root (RFC 9162 2.1.3.2)');
  }
  out.push(`checkpoint signature: OK (tree size ${cp.treeSize}, ${cp.timestamp})`, 'inclusion proof: OK (the release is in the signed log)');
}
process.stdout.write(out.join('\n') + '\nVERIFIED\n');
