/**
 * Reading C2SP signed notes (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and
 * Ed25519 cosignatures (c2sp.org/tlog-cosignature) with nothing but the language, for the IG
 * console's browser code: the Ed25519 check itself is passed in (WebCrypto in the browser).
 *
 * A note is text ending in a newline, a blank line, then lines `— <key name> base64(uint32 key
 * ID || signature)`. A verifier key is `<name>+<hex key ID>+base64(type || 32-byte key)`, the key
 * ID being SHA-256(name || 0x0A || type || key)[:4]. A cosignature (type 0x04) signs
 * "cosignature/v1\ntime <t>\n" || the checkpoint text, its signature being uint64 big-endian
 * seconds t then 64 Ed25519 bytes.
 */
import { base64ToBytes, concatBytes } from './bytes.js';
import { sha256 } from './sha256.js';

export const SIG_TYPE_ED25519 = 0x01;
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;

/** Checks an Ed25519 signature over `message` with a raw 32-byte public key. */
export type Ed25519Verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => Promise<boolean>;

export interface NoteKey {
  name: string;
  id: number;
  type: number;
  publicKey: Uint8Array;
}

export interface NoteSignatureLine {
  name: string;
  id: number;
  signature: Uint8Array;
}

const encoder = new TextEncoder();

/** SHA-256(name || 0x0A || type || key)[:4] as a big-endian number. */
export function noteKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const h = sha256(concatBytes(encoder.encode(name), new Uint8Array([0x0a, type]), publicKey));
  return new DataView(h.buffer).getUint32(0);
}

/** A verifier key's parts, or null when it is malformed or its key ID does not match. */
export function parseNoteKey(vkey: string): NoteKey | null {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(vkey.trim());
  if (!m) return null;
  const bytes = base64ToBytes(m[3]);
  if (bytes.length !== 33) return null;
  const key = { name: m[1], id: parseInt(m[2], 16), type: bytes[0], publicKey: bytes.subarray(1) };
  return noteKeyId(key.name, key.type, key.publicKey) === key.id ? key : null;
}

/** The signed text and the signature lines of a note, or null when it is not a note. */
export function splitNote(note: string): { text: string; signatures: NoteSignatureLine[] } | null {
  const at = note.lastIndexOf('\n\n');
  if (at < 0 || !note.endsWith('\n')) return null;
  const signatures: NoteSignatureLine[] = [];
  for (const line of note.slice(at + 2, -1).split('\n')) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+=*)$/.exec(line);
    if (!m) return null;
    const bytes = base64ToBytes(m[2]);
    if (bytes.length < 5) return null;
    signatures.push({ name: m[1], id: new DataView(bytes.buffer).getUint32(0), signature: bytes.subarray(4) });
  }
  return { text: note.slice(0, at + 1), signatures };
}

/** The origin, size and root of a checkpoint's text, or null when it is not one. */
export function parseCheckpointText(text: string): { origin: string; size: number; rootHash: string } | null {
  const [origin, size, root] = text.split('\n');
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(size ?? '') || !/^[A-Za-z0-9+/]{43}=$/.test(root ?? '')) return null;
  return { origin, size: Number(size), rootHash: root };
}

/** Whether `key` (type 0x01) signed the note's text with one of the signature lines. */
export async function verifyNoteSignature(
  note: { text: string; signatures: readonly NoteSignatureLine[] },
  key: NoteKey,
  verify: Ed25519Verify,
): Promise<boolean> {
  if (key.type !== SIG_TYPE_ED25519) return false;
  for (const s of note.signatures)
    if (s.name === key.name && s.id === key.id && (await verify(key.publicKey, encoder.encode(note.text), s.signature)))
      return true;
  return false;
}

/** The time (POSIX seconds) of `key`'s valid cosignature (type 0x04) on the note's text, or null when it has none. */
export async function verifyCosignature(
  note: { text: string; signatures: readonly NoteSignatureLine[] },
  key: NoteKey,
  verify: Ed25519Verify,
): Promise<number | null> {
  if (key.type !== SIG_TYPE_COSIGNATURE_V1) return null;
  for (const s of note.signatures) {
    if (s.name !== key.name || s.id !== key.id || s.signature.length !== 72) continue;
    const view = new DataView(s.signature.buffer, s.signature.byteOffset, 8);
    const time = view.getUint32(0) * 0x100000000 + view.getUint32(4);
    const message = encoder.encode(`cosignature/v1\ntime ${time}\n${note.text}`);
    if (await verify(key.publicKey, message, s.signature.subarray(8))) return time;
  }
  return null;
}
