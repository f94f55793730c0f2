/**
 * A verifier for C2SP signed notes, checkpoints and Ed25519 cosignatures written from the
 * specifications alone (c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature), sharing no
 * code with the gateway, so tests check the gateway and the witness against the text of the
 * specifications rather than against themselves.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';

export interface SpecKey {
  name: string;
  id: Buffer;
  type: number;
  publicKey: Buffer;
}

/** `<name>+<hex(key ID)>+base64(type || key)`; the name has no plus, the base64 may. */
export function specParseVkey(vkey: string): SpecKey {
  const m = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey);
  if (!m) throw new Error(`not a vkey: ${vkey}`);
  const [, name, hexId, material] = m;
  const bytes = Buffer.from(material, 'base64');
  return { name, id: Buffer.from(hexId, 'hex'), type: bytes[0], publicKey: bytes.subarray(1) };
}

/** SHA-256(key name || 0x0A || signature type || public key)[:4] */
export function specKeyId(name: string, type: number, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a, type]), publicKey]))
    .digest()
    .subarray(0, 4);
}

function ed25519(publicKey: Buffer) {
  return createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]),
    format: 'der',
    type: 'spki',
  });
}

export interface SpecSignature {
  name: string;
  id: Buffer;
  sig: Buffer;
}

/** Splits at the last blank line; every line after it is `— <name> <base64>`. */
export function specSplitNote(note: string): { text: string; sigs: SpecSignature[] } {
  const at = note.lastIndexOf('\n\n');
  if (at < 0 || !note.endsWith('\n')) throw new Error('not a signed note');
  const text = note.slice(0, at + 1);
  const sigs = note
    .slice(at + 2, -1)
    .split('\n')
    .map((line) => {
      const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      if (!m) throw new Error(`not a signature line: ${line}`);
      const raw = Buffer.from(m[2], 'base64');
      return { name: m[1], id: raw.subarray(0, 4), sig: raw.subarray(4) };
    });
  return { text, sigs };
}

/** True when a signature line of this Ed25519 note key (type 0x01) is present and verifies over the text. */
export function specVerifyNote(note: string, vkey: string): boolean {
  const k = specParseVkey(vkey);
  if (k.type !== 0x01 || !specKeyId(k.name, k.type, k.publicKey).equals(k.id)) return false;
  const { text, sigs } = specSplitNote(note);
  const mine = sigs.filter((s) => s.name === k.name && s.id.equals(k.id));
  return mine.length > 0 && mine.every((s) => verify(null, Buffer.from(text, 'utf8'), ed25519(k.publicKey), s.sig));
}

/** The witness's cosignature times (seconds) that verify under this cosignature/v1 vkey (type 0x04); empty when none. */
export function specVerifyCosignatures(note: string, vkey: string): number[] {
  const k = specParseVkey(vkey);
  if (k.type !== 0x04 || !specKeyId(k.name, k.type, k.publicKey).equals(k.id)) return [];
  const { text, sigs } = specSplitNote(note);
  return sigs
    .filter((s) => s.name === k.name && s.id.equals(k.id) && s.sig.length === 72)
    .filter((s) => {
      const time = s.sig.readBigUInt64BE(0);
      const message = Buffer.from(`cosignature/v1\ntime ${time}\n${text}`, 'utf8');
      return verify(null, message, ed25519(k.publicKey), s.sig.subarray(8));
    })
    .map((s) => Number(s.sig.readBigUInt64BE(0)));
}

/** origin, size and root of a checkpoint's note text (three lines, then optional extensions). */
export function specParseCheckpoint(note: string): { origin: string; size: number; root: Buffer } {
  const [origin, size, root] = specSplitNote(note).text.split('\n');
  if (!/^(0|[1-9]\d*)$/.test(size)) throw new Error('bad size line');
  return { origin, size: Number(size), root: Buffer.from(root, 'base64') };
}
