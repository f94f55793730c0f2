import { parseCheckpoint, type CheckpointText } from './checkpoint-note.js';
import { cosignatureVerifier } from './cosignature.js';
import { ed25519NoteVerifier, NoteError, openNote, parseNote } from './signed-note.js';

export interface WitnessedCheckpoint extends CheckpointText {
  /** Names of the trusted witnesses whose cosignature verified. */
  cosigners: string[];
}

/**
 * Opens a checkpoint as a recipient does offline: it must be signed by the log's note key (whose
 * name is the origin), and cosigned by at least `quorum` of the trusted witnesses. Signatures of
 * other keys are ignored; a trusted key's signature that fails rejects the note.
 */
export function openWitnessedCheckpoint(
  note: string,
  logKey: string,
  witnessKeys: readonly string[] = [],
  quorum = witnessKeys.length,
): WitnessedCheckpoint {
  const log = ed25519NoteVerifier(logKey);
  const { text } = openNote(note, [log]);
  const checkpoint = parseCheckpoint(text);
  if (checkpoint.origin !== log.name)
    throw new NoteError(
      'malformed',
      `the checkpoint's origin "${checkpoint.origin}" is not the log key's name "${log.name}"`,
    );
  const cosigners: string[] = [];
  if (witnessKeys.length > 0) {
    const witnesses = witnessKeys.map((k) => cosignatureVerifier(k));
    // openNote throws when no witness signed; count that as zero cosignatures.
    const has = parseNote(note).signatures.some((s) => witnesses.some((w) => w.name === s.name && w.id === s.id));
    if (has) cosigners.push(...openNote(note, witnesses).verified.map((s) => s.name));
  }
  if (cosigners.length < quorum)
    throw new NoteError(
      'unverified',
      `${cosigners.length} of the trusted witnesses cosigned the checkpoint, ${quorum} are needed`,
    );
  return { ...checkpoint, cosigners };
}
