/**
 * Verifies an exchange response bundle as its recipient would, trusting nothing but the
 * gateway's published keys (GET /.well-known/jwks.json) and RFC 9162:
 *
 * 1. the bundle is a JWS (typ exchange-response+jwt) by a key in the JWKS;
 * 2. with a checkpoint and a proof: the checkpoint is a JWS (typ log-checkpoint+jwt) by a key in
 *    the JWKS over the canonical { rootHash, timestamp, treeSize }, and the proof shows the
 *    bundle's receipt (its leaf hash at its index) is in the tree of that size and root.
 *
 * 3. or, instead of 2, with a C2SP checkpoint (GET /log/checkpoint, a signed note): the note is
 *    signed by the log's note key (GET /log/key) and cosigned by at least --quorum of the
 *    --witness keys the recipient trusts (default: all given), and the proof leads to its root.
 *    A witnessed checkpoint shows the recipient the same log every witness saw: the operator
 *    cannot show it a history other partners do not see.
 *
 *   node dist/scripts/verify-bundle.js --bundle bundle.jws --jwks jwks.json \
 *     [--checkpoint checkpoint.json --proof proof.json]
 *     [--note checkpoint.txt --log-key <vkey> [--witness <vkey>]... [--quorum k] --proof proof.json]
 *
 * Every input is a file (or a URL for --jwks, which needs no token), so the check can run
 * anywhere, long after the fact. Exits 0 when everything holds, 1 otherwise.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { canonicalJson } from '@shared/crypto/canonical-json.js';
import { verifyInclusion } from '@modules/access-log/domain/merkle/verify.js';
import { openWitnessedCheckpoint, type WitnessedCheckpoint } from '@modules/access-log/domain/note/index.js';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    jwks: { type: 'string' },
    checkpoint: { type: 'string' },
    proof: { type: 'string' },
    note: { type: 'string' },
    'log-key': { type: 'string' },
    witness: { type: 'string', multiple: true },
    quorum: { type: 'string' },
  },
});

function fail(msg: string): never {
  process.stderr.write(`NOT VERIFIED: ${msg}\n`);
  process.exit(1);
}

if (!values.bundle || !values.jwks) fail('usage: verify-bundle --bundle <file> --jwks <file|url> [--checkpoint <file> --proof <file>]');
if (values.checkpoint && values.note) fail('give --checkpoint (JWS) or --note (C2SP), not both');
if (!!(values.checkpoint || values.note) !== !!values.proof) fail('--checkpoint or --note go together with --proof');
if (!!values.note !== !!values['log-key']) fail('--note and --log-key go together');
const witnessKeys = values.witness ?? [];
const quorum = values.quorum === undefined ? witnessKeys.length : Number(values.quorum);
if (!Number.isSafeInteger(quorum) || quorum < 0 || quorum > witnessKeys.length) fail('--quorum must be between 0 and the number of --witness keys');

const jwksText = /^https?:\/\//.test(values.jwks) ? await (await fetch(values.jwks)).text() : readFileSync(values.jwks, 'utf8');
const keys = createLocalJWKSet(JSON.parse(jwksText) as JSONWebKeySet);
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

async function verifyJws(jws: string, typ: string): Promise<string> {
  try {
    const { payload, protectedHeader } = await compactVerify(jws.trim(), keys, { algorithms: ['ES256', 'EdDSA'] });
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

if (values.note && values.proof) {
  let cp: WitnessedCheckpoint;
  try {
    cp = openWitnessedCheckpoint(readFileSync(values.note, 'utf8'), values['log-key'] as string, witnessKeys, quorum);
  } catch (e) {
    fail(`checkpoint note: ${e instanceof Error ? e.message : String(e)}`);
  }
  const proof = JSON.parse(readFileSync(values.proof, 'utf8')) as { index: number; treeSize: number; leafHash: string; auditPath: string[] };
  if (proof.index !== bundle.receipt.index || proof.leafHash !== bundle.receipt.leafHash) fail('the proof is for another entry than the receipt');
  if (proof.treeSize !== cp.size) fail(`the proof is for tree size ${proof.treeSize}, the checkpoint for ${cp.size}`);
  if (!verifyInclusion(proof.index, proof.treeSize, bytes(bundle.receipt.leafHash), proof.auditPath.map(bytes), new Uint8Array(cp.rootHash))) {
    fail('the inclusion proof does not lead to the checkpoint root (RFC 9162 2.1.3.2)');
  }
  out.push(
    `checkpoint note: OK (${cp.origin}, tree size ${cp.size}, signed by the log key)`,
    `witnesses: ${cp.cosigners.length} of ${witnessKeys.length} trusted cosigned${cp.cosigners.length ? ` (${cp.cosigners.join(', ')})` : ''}, ${quorum} required`,
    'inclusion proof: OK (the release is in the witnessed log)',
  );
}
process.stdout.write(out.join('\n') + '\nVERIFIED\n');
