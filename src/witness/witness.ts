/**
 * A C2SP tlog-witness (c2sp.org/tlog-witness) for the gateway's access log, or any log whose
 * checkpoints are C2SP checkpoints signed with an Ed25519 note key. It keeps, per origin, the
 * latest checkpoint it cosigned, and cosigns a new one only when a consistency proof links it
 * to that one, so a log cannot show it two histories.
 *
 * It depends only on the Merkle and note code, never on the gateway's modules, so it can run
 * on a partner's machine with nothing of the gateway but this repository.
 */
import { EMPTY_ROOT, verifyConsistency } from '../modules/access-log/domain/merkle/index.js';
import {
  ed25519NoteVerifier,
  NoteError,
  openNote,
  parseCheckpoint,
  type Ed25519Cosigner,
  type NoteVerifier,
} from '../modules/access-log/domain/note/index.js';
import type { WitnessStore } from './witness-store.js';

export interface WitnessResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface WitnessedLog {
  origin: string;
  verifiers: NoteVerifier[];
}

/** Logs from their verifier keys: each key's name is its log's origin (tlog-checkpoint: the key name SHOULD match it). */
export function logsFromVerifierKeys(vkeys: readonly string[]): WitnessedLog[] {
  const byOrigin = new Map<string, NoteVerifier[]>();
  for (const vkey of vkeys) {
    const v = ed25519NoteVerifier(vkey);
    byOrigin.set(v.name, [...(byOrigin.get(v.name) ?? []), v]);
  }
  return [...byOrigin].map(([origin, verifiers]) => ({ origin, verifiers }));
}

const MAX_PROOF_LINES = 63;

function text(status: number, body: string, contentType = 'text/plain; charset=utf-8'): WitnessResponse {
  return { status, contentType, body: body.endsWith('\n') ? body : body + '\n' };
}

export class Witness {
  private readonly logs: Map<string, WitnessedLog>;
  /** One add-checkpoint at a time per origin: the size check and the update are one step. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly cosigner: Ed25519Cosigner,
    logs: readonly WitnessedLog[],
    private readonly store: WitnessStore,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.logs = new Map(logs.map((l) => [l.origin, l]));
  }

  get verifierKey(): string {
    return this.cosigner.verifierKey;
  }

  /** POST /add-checkpoint with the raw request body. */
  async addCheckpoint(body: string): Promise<WitnessResponse> {
    const req = parseRequest(body);
    if ('error' in req) return text(400, req.error);
    let checkpoint;
    try {
      checkpoint = parseCheckpoint(openNoteText(req.note));
    } catch (e) {
      return text(400, (e as Error).message);
    }
    const log = this.logs.get(checkpoint.origin);
    if (!log) return text(404, 'unknown log origin');
    let opened;
    try {
      opened = openNote(req.note, log.verifiers);
    } catch (e) {
      if (e instanceof NoteError && e.kind !== 'malformed') return text(403, e.message);
      return text(400, (e as Error).message);
    }
    if (req.oldSize > checkpoint.size) return text(400, 'the old size is larger than the checkpoint size');
    return this.serialised(log.origin, async () => {
      const latest = await this.store.latest(log.origin);
      const latestSize = latest?.size ?? 0;
      if (req.oldSize !== latestSize) return text(409, `${latestSize}`, 'text/x.tlog.size');
      if (checkpoint.size === 0 && !checkpoint.rootHash.equals(EMPTY_ROOT))
        return text(422, 'a checkpoint of size zero must have the empty root');
      if (req.oldSize === 0) {
        if (req.proof.length > 0) return text(422, 'no proof may accompany old size 0');
      } else if (!verifyConsistency(req.oldSize, checkpoint.size, latest!.rootHash, checkpoint.rootHash, req.proof)) {
        return text(
          422,
          req.oldSize !== checkpoint.size
            ? 'the consistency proof does not verify'
            : checkpoint.rootHash.equals(latest!.rootHash)
              ? 'no proof may accompany a checkpoint of the size already cosigned'
              : 'the root hash differs from the cosigned one of the same size',
        );
      }
      const line = this.cosigner.cosign(opened.text, this.now());
      // Persisted before answering, as the protocol requires: the log's signatures and ours.
      const logLines = opened.verified.map((s) => s.line + '\n').join('');
      await this.store.save({
        origin: log.origin,
        size: checkpoint.size,
        rootHash: checkpoint.rootHash,
        note: `${opened.text}\n${logLines}${line}\n`,
      });
      return text(200, line);
    });
  }

  /** GET /<sha256(origin) hex>/checkpoint: the latest checkpoint cosigned for that log. */
  async checkpointByOriginHash(originHash: string): Promise<WitnessResponse> {
    for (const origin of this.logs.keys()) {
      if (this.store.originHash(origin) !== originHash) continue;
      const latest = await this.store.latest(origin);
      if (latest) return text(200, latest.note);
    }
    return text(404, 'no checkpoint cosigned for this log');
  }

  private serialised<T>(origin: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.locks.get(origin) ?? Promise.resolve()).then(fn);
    this.locks.set(
      origin,
      run.catch(() => undefined),
    );
    return run;
  }
}

function openNoteText(note: string): string {
  const at = note.lastIndexOf('\n\n');
  if (at < 0) throw new NoteError('malformed', 'the checkpoint is not a signed note');
  return note.slice(0, at + 1);
}

/** `old <N>\n`, up to 63 base64 hash lines, an empty line, then the checkpoint. */
function parseRequest(body: string): { oldSize: number; proof: Buffer[]; note: string } | { error: string } {
  const blank = body.indexOf('\n\n');
  if (blank < 0) return { error: 'the request has no empty line before the checkpoint' };
  const head = body.slice(0, blank).split('\n');
  const m = /^old (0|[1-9][0-9]*)$/.exec(head[0]);
  if (!m || !Number.isSafeInteger(Number(m[1]))) return { error: 'the first line must be "old <size>"' };
  const proofLines = head.slice(1);
  if (proofLines.length > MAX_PROOF_LINES) return { error: `at most ${MAX_PROOF_LINES} proof lines` };
  if (proofLines.some((l) => !/^[A-Za-z0-9+/]{43}=$/.test(l)))
    return { error: 'each proof line must be one base64 SHA-256 hash' };
  return { oldSize: Number(m[1]), proof: proofLines.map((l) => Buffer.from(l, 'base64')), note: body.slice(blank + 2) };
}
