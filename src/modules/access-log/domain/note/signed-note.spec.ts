import { createHash } from 'node:crypto';
import {
  specParseCheckpoint,
  specVerifyCosignatures,
  specVerifyNote,
} from '../../../../../test/support/c2sp-verifier.js';
import {
  cosignatureTimestamp,
  cosignatureVerifier,
  Ed25519Cosigner,
  Ed25519NoteSigner,
  ed25519NoteVerifier,
  formatCheckpoint,
  formatTilePath,
  newEd25519Seed,
  NoteError,
  openNote,
  openWitnessedCheckpoint,
  parseCheckpoint,
  parseNote,
  parseTilePath,
  parseVerifierKey,
  partialTileWidth,
  signNote,
  tileInTree,
} from './index.js';

// The examples of c2sp.org/signed-note and c2sp.org/tlog-cosignature, verbatim.
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
const SPEC_COSIGNED = [
  'example.com/behind-the-sofa',
  '20852163',
  'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
  '',
  '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=',
  '\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==',
  '',
].join('\n');

describe('C2SP signed notes', () => {
  it("derives the specification's example key ID and verifies its example note", () => {
    const k = parseVerifierKey(SPEC_VKEY);
    expect(k).toMatchObject({ name: 'example.com/foo', id: 0x530d903a, type: 0x01 });
    const opened = openNote(SPEC_NOTE, [ed25519NoteVerifier(SPEC_VKEY)]);
    expect(opened.text).toBe('This is an example message.\n');
    expect(opened.verified.map((s) => s.name)).toEqual(['example.com/foo']);
  });

  it('refuses the example note when its text is changed, and ignores signatures of unknown keys', () => {
    const changed = SPEC_NOTE.replace('example message', 'example massage');
    expect(() => openNote(changed, [ed25519NoteVerifier(SPEC_VKEY)])).toThrow(
      expect.objectContaining({ kind: 'bad-signature' }),
    );
    const other = new Ed25519NoteSigner('example.com/foo', newEd25519Seed());
    // Same name, another key ID: ignored, so no known key signed.
    expect(() => openNote(SPEC_NOTE, [ed25519NoteVerifier(other.verifierKey)])).toThrow(
      expect.objectContaining({ kind: 'unverified' }),
    );
  });

  it('signs notes that the independent verifier accepts, with deterministic signatures', () => {
    const signer = new Ed25519NoteSigner('gateway.example/log', newEd25519Seed());
    const note = signNote('hello\nworld\n', [signer]);
    expect(specVerifyNote(note, signer.verifierKey)).toBe(true);
    expect(signNote('hello\nworld\n', [signer])).toBe(note);
    expect(specVerifyNote(note.replace('world', 'World'), signer.verifierKey)).toBe(false);
    expect(Ed25519NoteSigner.fromPrivateKeyText(signer.privateKeyText).verifierKey).toBe(signer.verifierKey);
  });

  it('refuses malformed notes and keys', () => {
    expect(() => parseNote('no blank line\n\u2014 a AAAAAAA=\n')).toThrow(NoteError);
    expect(() => parseNote('text\n\n- a AAAAAAAA\n')).toThrow(NoteError);
    expect(() => parseNote('te\u0007xt\n\n\u2014 a AAAAAAAA\n')).toThrow(NoteError);
    expect(() => parseVerifierKey('example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).toThrow(
      NoteError,
    );
    expect(() => new Ed25519NoteSigner('has space', newEd25519Seed())).toThrow(NoteError);
    expect(() => new Ed25519NoteSigner('has+plus', newEd25519Seed())).toThrow(NoteError);
  });
});

describe('C2SP checkpoints', () => {
  it('formats the three lines and parses them back, refusing leading zeroes and short roots', () => {
    const root = createHash('sha256').update('x').digest();
    const text = formatCheckpoint({ origin: 'gw.example/log', size: 20852163, rootHash: root });
    expect(text).toBe(`gw.example/log\n20852163\n${root.toString('base64')}\n`);
    expect(parseCheckpoint(text)).toEqual({ origin: 'gw.example/log', size: 20852163, rootHash: root, extensions: [] });
    expect(() => parseCheckpoint(`o\n012\n${root.toString('base64')}\n`)).toThrow(NoteError);
    expect(() => parseCheckpoint('o\n12\nAAAA\n')).toThrow(NoteError);
    expect(() => parseCheckpoint(`o\n12\n${root.toString('base64')}`)).toThrow(NoteError);
  });

  it("reads the specification's cosigned example", () => {
    expect(specParseCheckpoint(SPEC_COSIGNED)).toMatchObject({ origin: 'example.com/behind-the-sofa', size: 20852163 });
    const w1 = parseNote(SPEC_COSIGNED).signatures[1];
    // The example's timestamped_signature starts with the time the specification's message shows.
    expect(cosignatureTimestamp(w1.signature)).toBe(1679315147);
  });
});

describe('C2SP Ed25519 cosignatures (cosignature/v1)', () => {
  it('cosigns so that the independent verifier accepts the line with its time, and only for that text', () => {
    const log = new Ed25519NoteSigner('gw.example/log', newEd25519Seed());
    const witness = new Ed25519Cosigner('witness.example/w1', newEd25519Seed());
    const text = formatCheckpoint({ origin: log.name, size: 5, rootHash: Buffer.alloc(32, 7) });
    const note = signNote(text, [log]) + witness.cosign(text, 1700000000) + '\n';
    expect(specVerifyCosignatures(note, witness.verifierKey)).toEqual([1700000000]);
    expect(openNote(note, [cosignatureVerifier(witness.verifierKey)]).verified.map((s) => s.name)).toEqual([
      'witness.example/w1',
    ]);
    // The key ID uses type 0x04, so the witness key is no note key.
    expect(parseVerifierKey(witness.verifierKey).type).toBe(0x04);
    expect(() => ed25519NoteVerifier(witness.verifierKey)).toThrow(NoteError);
    const forged = note.replace('\n5\n', '\n6\n');
    expect(specVerifyCosignatures(forged, witness.verifierKey)).toEqual([]);
  });
});

describe(openWitnessedCheckpoint.name, () => {
  const log = new Ed25519NoteSigner('gw.example/log', newEd25519Seed());
  const [w1, w2, w3] = ['w1', 'w2', 'w3'].map((n) => new Ed25519Cosigner(`witness.example/${n}`, newEd25519Seed()));
  const text = formatCheckpoint({ origin: log.name, size: 9, rootHash: Buffer.alloc(32, 3) });
  const note = signNote(text, [log]) + [w1, w3].map((w) => w.cosign(text, 1700000000) + '\n').join('');
  const keys = [w1, w2, w3].map((w) => w.verifierKey);

  it('accepts a checkpoint with k of n trusted cosignatures, and names the cosigners', () => {
    expect(openWitnessedCheckpoint(note, log.verifierKey, keys, 2)).toMatchObject({
      origin: 'gw.example/log',
      size: 9,
      cosigners: ['witness.example/w1', 'witness.example/w3'],
    });
    expect(openWitnessedCheckpoint(signNote(text, [log]), log.verifierKey).cosigners).toEqual([]);
  });

  it('refuses too few cosignatures, a cosignature over another text, and a note the log did not sign', () => {
    expect(() => openWitnessedCheckpoint(note, log.verifierKey, keys, 3)).toThrow(
      expect.objectContaining({ kind: 'unverified' }),
    );
    expect(() => openWitnessedCheckpoint(signNote(text, [log]), log.verifierKey, keys, 1)).toThrow(
      expect.objectContaining({ kind: 'unverified' }),
    );
    const other = formatCheckpoint({ origin: log.name, size: 10, rootHash: Buffer.alloc(32, 3) });
    const moved = signNote(other, [log]) + w1.cosign(text, 1700000000) + '\n';
    expect(() => openWitnessedCheckpoint(moved, log.verifierKey, keys, 1)).toThrow(
      expect.objectContaining({ kind: 'bad-signature' }),
    );
    const impostor = new Ed25519NoteSigner('gw.example/log', newEd25519Seed());
    expect(() => openWitnessedCheckpoint(signNote(text, [impostor]), log.verifierKey)).toThrow(
      expect.objectContaining({ kind: 'unverified' }),
    );
  });
});

describe('C2SP tile paths', () => {
  it("encodes the specification's example index and round-trips partial tiles", () => {
    expect(formatTilePath({ level: 0, index: 1234067, width: 256 })).toBe('0/x001/x234/067');
    expect(parseTilePath('0/x001/x234/067')).toEqual({ level: 0, index: 1234067, width: 256 });
    expect(parseTilePath('2/000.p/1')).toEqual({ level: 2, index: 0, width: 1 });
    for (const bad of [
      '0/67',
      '0/x000/067',
      '64/000',
      '0/000.p/0',
      '0/000.p/256',
      '00/000',
      '0/000.p/01',
      'entries/000',
    ]) {
      expect(parseTilePath(bad)).toBeUndefined();
    }
  });

  it("gives a tree of 70,000 entries the specification's tiles", () => {
    expect(tileInTree({ level: 0, index: 272, width: 256 }, 70000)).toBe(true);
    expect(tileInTree({ level: 0, index: 273, width: 256 }, 70000)).toBe(false);
    expect([0, 1, 2, 3].map((l) => partialTileWidth(l, 70000))).toEqual([112, 17, 1, 0]);
    expect(tileInTree({ level: 1, index: 0, width: 256 }, 70000)).toBe(true);
    expect(tileInTree({ level: 1, index: 1, width: 17 }, 70000)).toBe(true);
    expect(tileInTree({ level: 1, index: 1, width: 18 }, 70000)).toBe(false);
  });
});
