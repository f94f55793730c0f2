/**
 * C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint@v1.0.0): the note text is the origin line, the
 * decimal tree size and the base64 RFC 6962 root hash, each ending in a newline. This log writes
 * no extension lines; parsing accepts them and returns them.
 */
import { NoteError } from './signed-note.js';

export interface CheckpointText {
  origin: string;
  size: number;
  /** 32 bytes */
  rootHash: Buffer;
  extensions: string[];
}

export function formatCheckpoint(c: { origin: string; size: number; rootHash: Uint8Array }): string {
  if (!c.origin || /[\n]/.test(c.origin)) throw new NoteError('malformed', 'the origin must be one non-empty line');
  if (!Number.isSafeInteger(c.size) || c.size < 0)
    throw new NoteError('malformed', 'the tree size must be a non-negative integer');
  if (c.rootHash.length !== 32) throw new NoteError('malformed', 'the root hash is 32 bytes');
  return `${c.origin}\n${c.size}\n${Buffer.from(c.rootHash).toString('base64')}\n`;
}

/** Parses a checkpoint's note text (not the signatures); throws NoteError('malformed') on any deviation. */
export function parseCheckpoint(text: string): CheckpointText {
  if (!text.endsWith('\n')) throw new NoteError('malformed', 'a checkpoint ends in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('malformed', 'a checkpoint has at least three lines');
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if (origin === '') throw new NoteError('malformed', 'the origin line is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine)))
    throw new NoteError('malformed', 'the tree size is not a decimal without leading zeroes');
  if (!/^[A-Za-z0-9+/]{43}=$/.test(rootLine))
    throw new NoteError('malformed', 'the root hash is not the base64 of 32 bytes');
  if (extensions.some((l) => l === '')) throw new NoteError('malformed', 'extension lines must be non-empty');
  return { origin, size: Number(sizeLine), rootHash: Buffer.from(rootLine, 'base64'), extensions };
}
