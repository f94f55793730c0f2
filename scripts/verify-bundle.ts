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
 *   npm run -s verify-bundle -- --bundle bundle.jws --jwks jwks.json \
 *     [--checkpoint checkpoint.json --proof proof.json]
 *     [--note checkpoint.txt --log-key <vkey> [--witness <vkey>]... [--quorum k] --proof proof.json]
 *
 * Every input is a file (or a URL for --jwks, which needs no token), so the check can run
 * anywhere, long after the fact. Exits 0 when everything holds, 1 otherwise, 2 for a bad option.
 */
import { readFileSync } from 'node:fs';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { canonicalJson } from '@shared/crypto/canonical-json.js';
import { SIGNATURE_ALGORITHMS } from '@shared/crypto/signature-checker.js';
import { verifyInclusion } from '@modules/access-log/domain/merkle/verify.js';
import { openWitnessedCheckpoint, type WitnessedCheckpoint } from '@modules/access-log/domain/note/index.js';
import { defineCli } from './lib/cli.js';

const cli = defineCli('verify-bundle', {
  usage: 'npm run -s verify-bundle --',
  summary:
    "Verifies an exchange response bundle with nothing but the gateway's public keys and RFC 9162: the bundle's signature, and with --checkpoint and --proof, that its receipt is in the signed access log.",
  options: {
    bundle: {
      type: 'string',
      value: '<file>',
      required: true,
      description: 'The bundle: the body of GET /exchange-requests/{id}/response',
    },
    jwks: {
      type: 'string',
      value: '<file|url>',
      required: true,
      description: "The gateway's public keys: a copy of GET /.well-known/jwks.json, or its URL",
    },
    checkpoint: {
      type: 'string',
      value: '<file>',
      description:
        'A signed checkpoint: the body of GET /access-log/checkpoints/latest or POST /access-log/checkpoints',
    },
    proof: {
      type: 'string',
      value: '<file>',
      description:
        "The inclusion proof of the receipt's index at the checkpoint's tree size: GET /access-log/entries/{index}/proof?treeSize=N",
    },
    note: {
      type: 'string',
      value: '<file>',
      description: 'Instead of --checkpoint: a C2SP checkpoint note, the body of GET /log/checkpoint',
    },
    'log-key': {
      type: 'string',
      value: '<vkey>',
      description: "The log's note verifier key (GET /log/key); required with --note",
    },
    witness: {
      type: 'string',
      value: '<vkey>',
      multiple: true,
      description: 'A witness cosignature verifier key the recipient trusts',
    },
    quorum: {
      type: 'string',
      value: '<k>',
      description: 'Cosignatures of trusted witnesses required (default: every --witness)',
    },
  },
  examples: [
    'npm run -s verify-bundle -- --bundle bundle.jws --jwks jwks.json --checkpoint checkpoint.json --proof proof.json',
    "npm run -s verify-bundle -- --bundle bundle.jws --jwks jwks.json --note checkpoint.txt --log-key '<log vkey>' --witness '<vkey 1>' --witness '<vkey 2>' --quorum 2 --proof proof.json",
  ],
  notes: ['Exit status 0 VERIFIED, 1 NOT VERIFIED (the reason on stderr), 2 a bad option or an unreadable file.'],
});

const values = cli.parse();

function notVerified(msg: string): never {
  process.stderr.write(`NOT VERIFIED: ${msg}\n`);
  process.exit(1);
}

function read(option: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return cli.usageError(`cannot read --${option} ${file}`);
  }
}

function json<T>(what: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return notVerified(`${what} is not JSON`);
  }
}

/** What each input should hold, named in the message when it holds something else. */
const EXPECTED = {
  bundle: 'a compact JWS, the body of GET /exchange-requests/{id}/response',
  jwks: 'a JWKS, the body of GET /.well-known/jwks.json',
  checkpoint: 'a signed checkpoint, the body of POST /access-log/checkpoints or GET /access-log/checkpoints/latest',
  proof: 'an inclusion proof, the body of GET /access-log/entries/{index}/proof?treeSize=N',
  note: 'a checkpoint note, the body of GET /log/checkpoint',
} as const;
type Input = keyof typeof EXPECTED;

const named = (source: string) => (/^https?:\/\//.test(source) ? `the answer of ${source}` : `the file ${source}`);

/** The title, status and detail of an RFC 9457 problem document (the gateway's error bodies), else undefined. */
function problemIn(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { title, status, detail } = body as { title?: unknown; status?: unknown; detail?: unknown };
  if (typeof title !== 'string' || typeof status !== 'number') return undefined;
  return `${title} (${status})${typeof detail === 'string' && detail ? `: ${detail.replace(/\.$/, '')}` : ''}`;
}

/**
 * Stops with what the input holds when it is empty or an error response (a request that failed,
 * its body saved all the same), before any check could report something misleading about it.
 */
function refuseErrorBody(option: Input, source: string, text: string): void {
  if (!text.trim()) notVerified(`${named(source)} is empty; expected ${EXPECTED[option]}`);
  const problem = problemIn(text);
  if (problem)
    notVerified(`${named(source)} holds an error response from the gateway: ${problem}; expected ${EXPECTED[option]}`);
}

function notWhatItShouldBe(option: Input, source: string, why = ''): never {
  return notVerified(`${named(source)} is not ${EXPECTED[option]}${why ? ` (${why})` : ''}`);
}

/** The input's text, parsed as JSON, after refusing an error response or anything not JSON. */
function jsonInput(option: Input, source: string, text: string): unknown {
  refuseErrorBody(option, source, text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return notWhatItShouldBe(option, source, 'it is not JSON');
  }
}

cli.run(async () => {
  if (values.checkpoint && values.note) cli.usageError('give --checkpoint (JWS) or --note (C2SP), not both');
  if (!!(values.checkpoint || values.note) !== !!values.proof)
    cli.usageError('--checkpoint or --note go together with --proof');
  if (!!values.note !== !!values['log-key']) cli.usageError('--note and --log-key go together');
  const witnessKeys = values.witness ?? [];
  const quorum = values.quorum === undefined ? witnessKeys.length : Number(values.quorum);
  if (!/^\d+$/.test(values.quorum ?? '0') || quorum > witnessKeys.length)
    cli.usageError('--quorum must be an integer between 0 and the number of --witness keys');
  let jwksText: string;
  if (/^https?:\/\//.test(values.jwks)) {
    const res = await fetch(values.jwks).catch((e: Error) =>
      cli.usageError(`cannot fetch --jwks ${values.jwks}: ${e.message}`),
    );
    jwksText = await res.text();
  } else {
    jwksText = read('jwks', values.jwks);
  }
  let keys: ReturnType<typeof createLocalJWKSet>;
  try {
    keys = createLocalJWKSet(jsonInput('jwks', values.jwks, jwksText) as JSONWebKeySet);
  } catch (e) {
    notWhatItShouldBe('jwks', values.jwks, (e as Error).message);
  }
  const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

  const verifyJws = async (jws: string, typ: string): Promise<string> => {
    try {
      const { payload, protectedHeader } = await compactVerify(jws.trim(), keys, {
        algorithms: [...SIGNATURE_ALGORITHMS],
      });
      if (protectedHeader.typ !== typ) notVerified(`typ is ${String(protectedHeader.typ)}, expected ${typ}`);
      return new TextDecoder().decode(payload);
    } catch (e) {
      return notVerified(`${typ} signature: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const bundleText = read('bundle', values.bundle);
  refuseErrorBody('bundle', values.bundle, bundleText);
  if (!/^[\w-]+\.[\w-]*\.[\w-]+$/.test(bundleText.trim())) notWhatItShouldBe('bundle', values.bundle);
  const bundle = json<{
    requestId: string;
    crn: string;
    purpose: string;
    agreementId: string;
    agreementVersion: number;
    fieldsWithheld: string[];
    issuedAt: string;
    retainUntil: string;
    receipt: { index: number; leafHash: string; timestamp: string };
  }>('the bundle payload', await verifyJws(bundleText, 'exchange-response+jwt'));
  const out = [
    'bundle signature: OK (a key of the gateway JWKS)',
    `request ${bundle.requestId}: ${bundle.crn} for ${bundle.purpose} under agreement ${bundle.agreementId} v${bundle.agreementVersion}`,
    `issued ${bundle.issuedAt}; keep until ${bundle.retainUntil}; ${bundle.fieldsWithheld.length} fields withheld`,
    `receipt: log index ${bundle.receipt.index}, leaf hash ${bundle.receipt.leafHash}`,
  ];

  /** RFC 9162 2.1.3.2: the --proof shows the receipt's leaf at its index in the tree of `size` entries and `root`. */
  const checkInclusion = (size: number, root: Uint8Array): void => {
    const source = values.proof as string;
    const proof = jsonInput('proof', source, read('proof', source)) as {
      index: number;
      treeSize: number;
      leafHash: string;
      auditPath: string[];
    };
    if (
      typeof proof !== 'object' ||
      proof === null ||
      typeof proof.index !== 'number' ||
      typeof proof.treeSize !== 'number' ||
      typeof proof.leafHash !== 'string' ||
      !Array.isArray(proof.auditPath) ||
      !proof.auditPath.every((h) => typeof h === 'string')
    )
      notWhatItShouldBe('proof', source);
    if (proof.index !== bundle.receipt.index || proof.leafHash !== bundle.receipt.leafHash)
      notVerified('the proof is for another entry than the receipt');
    if (proof.treeSize !== size)
      notVerified(`the proof is for tree size ${proof.treeSize}, the checkpoint for ${size}`);
    if (
      !verifyInclusion(proof.index, proof.treeSize, bytes(bundle.receipt.leafHash), proof.auditPath.map(bytes), root)
    ) {
      notVerified('the inclusion proof does not lead to the checkpoint root (RFC 9162 2.1.3.2)');
    }
  };

  if (values.checkpoint && values.proof) {
    const cp = jsonInput('checkpoint', values.checkpoint, read('checkpoint', values.checkpoint)) as {
      treeSize: number;
      rootHash: string;
      timestamp: string;
      jws: string;
    };
    if (typeof cp !== 'object' || cp === null || typeof cp.jws !== 'string' || typeof cp.treeSize !== 'number')
      notWhatItShouldBe('checkpoint', values.checkpoint);
    const signed = await verifyJws(String(cp.jws), 'log-checkpoint+jwt');
    if (signed !== canonicalJson({ rootHash: cp.rootHash, timestamp: cp.timestamp, treeSize: cp.treeSize }))
      notVerified('the checkpoint JWS does not sign the checkpoint served beside it');
    checkInclusion(cp.treeSize, bytes(cp.rootHash));
    out.push(
      `checkpoint signature: OK (tree size ${cp.treeSize}, ${cp.timestamp})`,
      'inclusion proof: OK (the release is in the signed log)',
    );
  }
  if (values.note && values.proof) {
    const noteText = read('note', values.note);
    refuseErrorBody('note', values.note, noteText);
    // A note is text: origin, size and root lines, then signatures. JSON is some other body.
    if (/^\s*[[{]/.test(noteText)) notWhatItShouldBe('note', values.note, 'it is JSON');
    let cp: WitnessedCheckpoint;
    try {
      cp = openWitnessedCheckpoint(noteText, values['log-key'] as string, witnessKeys, quorum);
    } catch (e) {
      notVerified(`checkpoint note: ${e instanceof Error ? e.message : String(e)}`);
    }
    checkInclusion(cp.size, new Uint8Array(cp.rootHash));
    out.push(
      `checkpoint note: OK (${cp.origin}, tree size ${cp.size}, signed by the log key)`,
      witnessKeys.length
        ? `witnesses: ${cp.cosigners.length} of ${witnessKeys.length} trusted cosigned${cp.cosigners.length ? ` (${cp.cosigners.join(', ')})` : ''}, ${quorum} required`
        : 'witnesses: none required (no --witness given)',
      // Witnessed only when a cosignature was required: otherwise the log's own signature is all that was checked.
      `inclusion proof: OK (the release is in the ${quorum > 0 ? 'witnessed' : 'signed'} log)`,
    );
  }
  process.stdout.write(out.join('\n') + '\nVERIFIED\n');
});
