/**
 * C2SP signed-note (c2sp.org/signed-note@v1.0.0): text ending in a newline, a blank line, then
 * signature lines `— <key name> base64(uint32 key ID || signature)`; verifier keys in the text
 * form `<name>+<hex key ID>+base64(signature type || public key)`.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { ed25519PrivateKey, ed25519PublicKey, ed25519Sign, ed25519Verify, rawPublicKey, rawSeed } from './ed25519.js';

/** Signature type bytes assigned by the specification that this code uses. */
export const SIG_TYPE_ED25519 = 0x01;
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;

/** Verifiers accept at least this many signatures (the specification's minimum) and no more. */
export const MAX_SIGNATURES = 64;

const EM_DASH = '\u2014';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export type NoteErrorKind = 'malformed' | 'unverified' | 'bad-signature';

/** Why a note was refused: malformed text, no signature by a known key, or a known key's signature failing. */
export class NoteError extends Error {
  constructor(
    readonly kind: NoteErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'NoteError';
  }
}

export interface NoteSignature {
  name: string;
  /** uint32 key ID */
  id: number;
  /** The signature bytes after the key ID. */
  signature: Buffer;
  /** The whole line without its newline, as received. */
  line: string;
}

export interface Note {
  /** The signed text, ending in a newline. */
  text: string;
  signatures: NoteSignature[];
}

/** Something that can check one key's signatures over a note's text. */
export interface NoteVerifier {
  readonly name: string;
  readonly id: number;
  verify(text: string, signature: Buffer): boolean;
}

export interface NoteSigner {
  readonly name: string;
  readonly id: number;
  /** The signature bytes (after the key ID) over `text`. */
  sign(text: string): Buffer;
}

/** Key names: non-empty, no Unicode spaces, no plus sign. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name);
}

/** SHA-256(key name || 0x0A || signature type || public key)[:4], big-endian. */
export function keyId(name: string, type: number, publicKey: Uint8Array): number {
  const h = createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, type]))
    .update(publicKey)
    .digest();
  return h.readUInt32BE(0);
}

export function hexKeyId(id: number): string {
  return id.toString(16).padStart(8, '0');
}

export interface VerifierKey {
  name: string;
  id: number;
  type: number;
  publicKey: Buffer;
}

export function formatVerifierKey(k: Omit<VerifierKey, 'id'> & { id?: number }): string {
  const id = k.id ?? keyId(k.name, k.type, k.publicKey);
  return `${k.name}+${hexKeyId(id)}+${Buffer.concat([Buffer.from([k.type]), k.publicKey]).toString('base64')}`;
}

/** Parses a vkey; the key ID must be the one derived from name, type and key (as every key here is made). */
export function parseVerifierKey(vkey: string): VerifierKey {
  // The name and the ID hold no plus sign; the base64 after them may.
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey.trim());
  if (!m) throw new NoteError('malformed', 'a verifier key is <name>+<hex key ID>+<base64 key>');
  const [, name, hex, b64] = m;
  if (!isValidKeyName(name))
    throw new NoteError('malformed', 'the verifier key name is empty or holds a space or plus');
  if (!/^[0-9a-f]{8}$/.test(hex))
    throw new NoteError('malformed', 'the verifier key ID must be 8 lowercase hex digits');
  if (!BASE64.test(b64)) throw new NoteError('malformed', 'the verifier key material is not base64');
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length !== 33)
    throw new NoteError('malformed', 'an Ed25519 verifier key holds a type byte and 32 key bytes');
  const type = bytes[0];
  const publicKey = bytes.subarray(1);
  const id = parseInt(hex, 16);
  if (keyId(name, type, publicKey) !== id)
    throw new NoteError('malformed', 'the verifier key ID does not match its name and key');
  return { name, id, type, publicKey };
}

/** A verifier for Ed25519 note signatures (type 0x01). */
export function ed25519NoteVerifier(vkey: string | VerifierKey): NoteVerifier {
  const k = typeof vkey === 'string' ? parseVerifierKey(vkey) : vkey;
  if (k.type !== SIG_TYPE_ED25519)
    throw new NoteError('malformed', `not an Ed25519 note key (type 0x${k.type.toString(16)})`);
  const key = ed25519PublicKey(k.publicKey);
  return { name: k.name, id: k.id, verify: (text, sig) => ed25519Verify(key, Buffer.from(text, 'utf8'), sig) };
}

/** An Ed25519 note signer (type 0x01) from a 32-byte seed. */
export class Ed25519NoteSigner implements NoteSigner {
  readonly id: number;
  readonly publicKey: Buffer;
  private readonly key: KeyObject;

  constructor(
    readonly name: string,
    seed: Uint8Array,
  ) {
    if (!isValidKeyName(name)) throw new NoteError('malformed', `"${name}" is not a valid key name`);
    this.key = ed25519PrivateKey(seed);
    this.publicKey = rawPublicKey(this.key);
    this.id = keyId(name, SIG_TYPE_ED25519, this.publicKey);
  }

  get verifierKey(): string {
    return formatVerifierKey({ name: this.name, id: this.id, type: SIG_TYPE_ED25519, publicKey: this.publicKey });
  }

  /**
   * The private key in the text form Go's golang.org/x/mod/sumdb/note uses
   * (`PRIVATE+KEY+<name>+<hex id>+base64(0x01 || seed)`), for storing it in a file or setting.
   */
  get privateKeyText(): string {
    return `PRIVATE+KEY+${this.name}+${hexKeyId(this.id)}+${Buffer.concat([Buffer.from([SIG_TYPE_ED25519]), rawSeed(this.key)]).toString('base64')}`;
  }

  static fromPrivateKeyText(text: string): Ed25519NoteSigner {
    const m = /^PRIVATE\+KEY\+([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(text.trim());
    if (!m) throw new NoteError('malformed', 'a note private key is PRIVATE+KEY+<name>+<hex id>+<base64>');
    const parts = ['PRIVATE', 'KEY', m[1], m[2], m[3]];
    const bytes = Buffer.from(parts[4], 'base64');
    if (bytes.length !== 33 || bytes[0] !== SIG_TYPE_ED25519)
      throw new NoteError('malformed', 'the note private key is not an Ed25519 seed');
    const signer = new Ed25519NoteSigner(parts[2], bytes.subarray(1));
    if (hexKeyId(signer.id) !== parts[3])
      throw new NoteError('malformed', 'the note private key ID does not match its name and key');
    return signer;
  }

  sign(text: string): Buffer {
    return ed25519Sign(this.key, Buffer.from(text, 'utf8'));
  }
}

/** `— <name> base64(id || signature)` without the newline. */
export function signatureLine(name: string, id: number, signature: Uint8Array): string {
  const idBytes = Buffer.alloc(4);
  idBytes.writeUInt32BE(id);
  return `${EM_DASH} ${name} ${Buffer.concat([idBytes, signature]).toString('base64')}`;
}

/** The text signed by each signer, as a complete signed note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  assertNoteText(text);
  return `${text}\n${signers.map((s) => signatureLine(s.name, s.id, s.sign(text)) + '\n').join('')}`;
}

/** Whether `s` holds a C0 control character other than newline (a note may hold no other). */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

function assertNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('malformed', 'the note text must end in a newline');
  if (hasControlCharacter(text)) throw new NoteError('malformed', 'the note holds a control character');
}

/** Parses one signature line (without its newline). */
export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(`${EM_DASH} `))
    throw new NoteError('malformed', 'a signature line starts with an em dash and a space');
  const rest = line.slice(2).split(' ');
  if (rest.length !== 2) throw new NoteError('malformed', 'a signature line is "— <name> <base64>"');
  const [name, b64] = rest;
  if (!isValidKeyName(name)) throw new NoteError('malformed', 'a signature line names an invalid key');
  if (!BASE64.test(b64) || b64.length % 4 !== 0) throw new NoteError('malformed', 'a signature is not base64');
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length < 5) throw new NoteError('malformed', 'a signature is shorter than a key ID');
  return { name, id: bytes.readUInt32BE(0), signature: bytes.subarray(4), line };
}

/** Splits a signed note into its text and signature lines; checks the format only. */
export function parseNote(note: string): Note {
  if (hasControlCharacter(note)) throw new NoteError('malformed', 'the note holds a control character');
  if (!note.endsWith('\n')) throw new NoteError('malformed', 'a signed note ends in a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed', 'a signed note has a blank line before its signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES)
    throw new NoteError('malformed', `a note may carry at most ${MAX_SIGNATURES} signatures`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

/**
 * Opens a signed note with the verifiers trusted for it, as the specification requires:
 * signatures of unknown keys (name and ID not both matching) are ignored, a failing signature of
 * a known key rejects the note, and at least one known key must have signed.
 * Returns the text and the signatures that verified.
 */
export function openNote(
  note: string,
  verifiers: readonly NoteVerifier[],
): { text: string; verified: NoteSignature[]; signatures: NoteSignature[] } {
  const parsed = parseNote(note);
  const verified: NoteSignature[] = [];
  for (const sig of parsed.signatures) {
    const v = verifiers.find((k) => k.name === sig.name && k.id === sig.id);
    if (!v) continue;
    if (!v.verify(parsed.text, sig.signature))
      throw new NoteError('bad-signature', `the signature of ${sig.name} does not verify`);
    if (!verified.some((s) => s.name === sig.name && s.id === sig.id)) verified.push(sig);
  }
  if (verified.length === 0) throw new NoteError('unverified', 'no signature by a known key');
  return { text: parsed.text, verified, signatures: parsed.signatures };
}
