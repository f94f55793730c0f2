import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { verifyInclusion } from '../../src/modules/access-log/domain/merkle/index.js';
import { Ed25519Cosigner, Ed25519NoteSigner, newEd25519Seed } from '../../src/modules/access-log/domain/note/index.js';
import type { RunningWitness } from '../../src/witness/start.js';
import { startTestWitnesses } from '../support/test-witnesses.js';
import { activeAgreement, agreementTerms } from '../factories/agreement.factory.js';
import { aCase, requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import { specParseCheckpoint, specVerifyCosignatures, specVerifyNote } from '../support/c2sp-verifier.js';
import { TestGateway } from '../setup/test-app.js';

const run = promisify(execFile);
const verifyBundle = (args: string[]) => run(process.execPath, ['dist/scripts/verify-bundle.js', ...args]);

/**
 * Issue 17 item 3: a recipient upgrades a bundle's receipt (and a read's accessLogIndex) to a
 * checkpoint two witnesses cosigned, and verifies it offline with scripts/verify-bundle, the
 * gateway stopped: nothing but files and keys it got through a trusted channel.
 */
describe('A response bundle verified offline against a witnessed checkpoint', () => {
  const origin = 'gw-bundle.example/access-log';
  const logKey = new Ed25519NoteSigner(origin, newEd25519Seed());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-bundle-witnessed-'));
  let witnesses: RunningWitness[];
  let closeWitnesses: () => Promise<void>;
  let gw: TestGateway;
  let stopped = false;

  beforeAll(async () => {
    const started = await startTestWitnesses(
      ['witness.police-durham.example/w1', 'witness.crc-northumbria.example/w1'],
      logKey.verifierKey,
    );
    witnesses = started.witnesses;
    closeWitnesses = started.close;
    gw = await TestGateway.start({
      env: {
        LOG_ORIGIN: origin,
        LOG_NOTE_KEY: logKey.privateKeyText,
        WITNESSES: JSON.stringify(witnesses.map((w) => ({ url: w.url, key: w.verifierKey }))),
        WITNESS_QUORUM: '2',
        WITNESS_TIMEOUT_MS: '2000',
      },
    });
  });
  afterAll(async () => {
    if (!stopped) await gw.close();
    await closeWitnesses();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the bundle, its receipt and two cosignatures with the gateway stopped, and refuses what does not hold', async () => {
    const police = gw.orgs['police-cleveland'];
    const officer = {
      org: police,
      roles: ['iom-officer'],
      sub: 'user:pc-101',
      attrs: { force: 'cleveland' },
      reason: 'IOM panel',
    };
    const agreement = await activeAgreement(gw, agreementTerms({ dataCategories: ['RISK_SUMMARY', 'ROSH', 'NEEDS'] }));
    await aCase(gw, 'X700001', { iom: { cohort: true, force: 'cleveland' } });
    const created = await submit(
      gw,
      await requestJws(police, requestClaims(agreement, { crn: 'X700001', dataCategories: ['ROSH'] })),
      officer,
    );
    expect(created.body.status).toBe('FULFILLED');
    const bundle = await gw.call('GET', `/exchange-requests/${created.body.id}/response`, officer);
    expect(bundle.status).toBe(200);
    const receipt = JSON.parse(Buffer.from(bundle.text.split('.')[1], 'base64url').toString('utf8')).receipt as {
      index: number;
    };
    // A read's receipt is its accessLogIndex.
    const read = await gw.call('GET', '/cases/X700001/summary?purpose=IOM', { ...officer, reason: 'IOM panel' });
    expect(read.status).toBe(200);

    // The upgrade: a checkpoint made after the release, cosigned by both witnesses, and the proofs at its size.
    expect(
      (await gw.call('POST', '/access-log/checkpoints', { org: gw.orgs.gateway, roles: ['ig-reviewer'] })).status,
    ).toBe(200);
    const note = (await gw.http.get('/log/checkpoint')).text;
    const cp = specParseCheckpoint(note);
    expect(cp.size).toBeGreaterThan(read.body.accessLogIndex);
    expect(specVerifyNote(note, logKey.verifierKey)).toBe(true);
    for (const w of witnesses) expect(specVerifyCosignatures(note, w.verifierKey)).toHaveLength(1);
    const proofOf = async (index: number) =>
      (await gw.call('GET', `/access-log/entries/${index}/proof?treeSize=${cp.size}`, officer)).body as {
        leafHash: string;
        auditPath: string[];
      };
    const readProof = await proofOf(read.body.accessLogIndex);
    const b = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
    expect(
      verifyInclusion(read.body.accessLogIndex, cp.size, b(readProof.leafHash), readProof.auditPath.map(b), cp.root),
    ).toBe(true);
    const files = {
      bundle: bundle.text,
      jwks: (await gw.http.get('/.well-known/jwks.json')).text,
      note,
      proof: JSON.stringify(await proofOf(receipt.index)),
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);

    await gw.close();
    stopped = true;
    const args = (trusted: string[], quorum: number, note = 'note') => [
      ...['bundle', 'jwks', 'proof'].flatMap((f) => [`--${f}`, path.join(dir, f)]),
      ...['--note', path.join(dir, note), '--log-key', logKey.verifierKey],
      ...trusted.flatMap((k) => ['--witness', k]),
      ...['--quorum', String(quorum)],
    ];
    const keys = witnesses.map((w) => w.verifierKey);
    const { stdout } = await verifyBundle(args(keys, 2));
    expect(stdout).toMatch(
      /checkpoint note: OK[\s\S]*witnesses: 2 of 2 trusted cosigned[\s\S]*inclusion proof: OK \(the release is in the witnessed log\)\nVERIFIED\n$/,
    );

    // A quorum the cosignatures do not reach: one trusted witness never saw this log.
    const stranger = new Ed25519Cosigner('witness.other.example/w1', newEd25519Seed()).verifierKey;
    await expect(verifyBundle(args([keys[0], stranger], 2))).rejects.toThrow(/NOT VERIFIED: checkpoint note/);
    // Another root under the same signatures (a split view): refused.
    writeFileSync(
      path.join(dir, 'forged'),
      note.replace(/^(.*\n\d+\n)(.)/, (_, head: string, c: string) => head + (c === 'A' ? 'B' : 'A')),
    );
    await expect(verifyBundle(args(keys, 2, 'forged'))).rejects.toThrow(/NOT VERIFIED: checkpoint note/);
  });
});
