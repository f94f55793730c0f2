/**
 * C2SP tlog-cosignature, Ed25519 form (signature type 0x04): a witness's note signature over
 *   "cosignature/v1\ntime <t>\n" || the checkpoint's note text
 * whose signature bytes are a timestamped_signature: uint64 big-endian POSIX seconds, then the
 * 64-byte Ed25519 signature.
 */
import type { KeyObject } from 'node:crypto';
import { ed25519PrivateKey, ed25519PublicKey, ed25519Sign, ed25519Verify, rawPublicKey, rawSeed } from './ed25519.js';
import {
  formatVerifierKey,
  hexKeyId,
  isValidKeyName,
  keyId,
  NoteError,
  parseVerifierKey,
  SIG_TYPE_COSIGNATURE_V1,
  signatureLine,
  type NoteSignature,
  type NoteVerifier,
  type VerifierKey,
} from './signed-note.js';

/** The message a cosigner signs for a checkpoint text at a time (POSIX seconds). */
export function cosignatureMessage(checkpointText: string, timestamp: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`, 'utf8');
}

export class Ed25519Cosigner {
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
    this.id = keyId(name, SIG_TYPE_COSIGNATURE_V1, this.publicKey);
  }

  get verifierKey(): string {
    return formatVerifierKey({
      name: this.name,
      id: this.id,
      type: SIG_TYPE_COSIGNATURE_V1,
      publicKey: this.publicKey,
    });
  }

  /** `PRIVATE+KEY+<name>+<hex id>+base64(0x04 || seed)`, the note private-key text form with the cosignature type. */
  get privateKeyText(): string {
    return `PRIVATE+KEY+${this.name}+${hexKeyId(this.id)}+${Buffer.concat([Buffer.from([SIG_TYPE_COSIGNATURE_V1]), rawSeed(this.key)]).toString('base64')}`;
  }

  static fromPrivateKeyText(text: string): Ed25519Cosigner {
    const m = /^PRIVATE\+KEY\+([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(text.trim());
    const bytes = m ? Buffer.from(m[3], 'base64') : Buffer.alloc(0);
    if (!m || bytes.length !== 33 || bytes[0] !== SIG_TYPE_COSIGNATURE_V1)
      throw new NoteError('malformed', 'a cosigner private key is PRIVATE+KEY+<name>+<hex id>+base64(0x04 || seed)');
    const cosigner = new Ed25519Cosigner(m[1], bytes.subarray(1));
    if (hexKeyId(cosigner.id) !== m[2])
      throw new NoteError('malformed', 'the cosigner private key ID does not match its name and key');
    return cosigner;
  }

  /** The cosignature line (without newline) over a checkpoint's note text at `timestamp` seconds. */
  cosign(checkpointText: string, timestamp: number): string {
    if (!Number.isSafeInteger(timestamp) || timestamp <= 0)
      throw new RangeError('the cosignature timestamp must be a positive integer');
    const sig = ed25519Sign(this.key, cosignatureMessage(checkpointText, timestamp));
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(BigInt(timestamp));
    return signatureLine(this.name, this.id, Buffer.concat([ts, sig]));
  }
}

/** The timestamp of a cosignature's signature bytes, or undefined if they are not 8 + 64 bytes. */
export function cosignatureTimestamp(signature: Buffer): number | undefined {
  if (signature.length !== 72) return undefined;
  const t = signature.readBigUInt64BE(0);
  return t > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(t);
}

/** A note verifier for a witness's cosignatures (vkey of type 0x04). */
export function cosignatureVerifier(vkey: string | VerifierKey): NoteVerifier & { vkey: VerifierKey } {
  const k = typeof vkey === 'string' ? parseVerifierKey(vkey) : vkey;
  if (k.type !== SIG_TYPE_COSIGNATURE_V1)
    throw new NoteError('malformed', `not a cosignature/v1 key (type 0x${k.type.toString(16)})`);
  const key = ed25519PublicKey(k.publicKey);
  return {
    name: k.name,
    id: k.id,
    vkey: k,
    verify: (text: string, sig: Buffer) => {
      const t = cosignatureTimestamp(sig);
      return t !== undefined && t > 0 && ed25519Verify(key, cosignatureMessage(text, t), sig.subarray(8));
    },
  };
}

export type { NoteSignature };
