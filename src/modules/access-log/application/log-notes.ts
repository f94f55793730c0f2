import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import type { SignedCheckpoint } from '../domain/checkpoint.js';
import {
  cosignatureVerifier,
  formatCheckpoint,
  parseSignatureLine,
  signNote,
  type Ed25519NoteSigner,
  type NoteVerifier,
} from '../domain/note/index.js';
import { WitnessStore } from '../domain/witness-store.port.js';

/** Injection token of the log's Ed25519NoteSigner (infrastructure/log-note-key.ts loads it). */
export const LOG_NOTE_SIGNER = Symbol('LOG_NOTE_SIGNER');
import { AccessLogException, AccessLogExceptionCode } from '../domain/access-log.exception.js';
import { CheckpointService } from './checkpoint.service.js';

export interface ConfiguredWitness {
  name: string;
  url: string;
  vkey: string;
  verifier: NoteVerifier;
}

/**
 * The log's checkpoints as C2SP signed notes: the gateway's Ed25519 note signature over
 * origin, size and root of a stored checkpoint (Ed25519 is deterministic, so the same checkpoint
 * always gives the same note and nothing more needs storing), plus the witnesses' cosignatures.
 */
@Injectable()
export class LogNotes {
  readonly witnesses: readonly ConfiguredWitness[];

  constructor(
    @Inject(LOG_NOTE_SIGNER) private readonly signer: Ed25519NoteSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly checkpoints: CheckpointService,
    private readonly repo: WitnessStore,
  ) {
    this.witnesses = config.witnesses.map((w) => {
      const verifier = cosignatureVerifier(w.key);
      return { name: verifier.name, url: w.url, vkey: w.key, verifier };
    });
  }

  get origin(): string {
    return this.config.logOrigin;
  }

  get quorum(): number {
    return this.config.witnessQuorum;
  }

  /** The log's note verifier key in the signed-note text form. */
  get verifierKey(): string {
    return this.signer.verifierKey;
  }

  /** The checkpoint's note text (origin, size, root). */
  text(cp: Pick<SignedCheckpoint, 'treeSize' | 'rootHash'>): string {
    return formatCheckpoint({ origin: this.origin, size: cp.treeSize, rootHash: Buffer.from(cp.rootHash, 'base64') });
  }

  /** The checkpoint signed by the log only. */
  signed(cp: Pick<SignedCheckpoint, 'treeSize' | 'rootHash'>): string {
    return signNote(this.text(cp), [this.signer]);
  }

  /**
   * The checkpoint with the stored cosignatures that verify over its text now (a row whose
   * checkpoint was since rewritten no longer verifies and is left out), and their witnesses.
   */
  async cosigned(cp: SignedCheckpoint): Promise<{ note: string; cosigners: string[] }> {
    const text = this.text(cp);
    const lines: string[] = [];
    const cosigners: string[] = [];
    for (const c of await this.repo.cosignaturesAt(cp.treeSize)) {
      const w = this.witnesses.find((x) => x.name === c.witness);
      const sig = parseSignatureLine(c.line);
      if (!w || sig.name !== w.verifier.name || sig.id !== w.verifier.id || !w.verifier.verify(text, sig.signature))
        continue;
      lines.push(c.line);
      cosigners.push(w.name);
    }
    return { note: this.signed(cp) + lines.map((l) => l + '\n').join(''), cosigners };
  }

  /**
   * What GET /log/checkpoint serves: without witnesses, the latest checkpoint; with them, the
   * latest one at least WITNESS_QUORUM of them cosigned (with at most `atMost` entries, when given).
   */
  async latest(atMost?: number): Promise<string> {
    if (this.witnesses.length === 0) {
      // As with witnesses: the newest checkpoint of at most `atMost` entries.
      const cp = atMost === undefined ? await this.checkpoints.latest() : await this.checkpoints.atMost(atMost);
      if (!cp)
        throw new AccessLogException(
          AccessLogExceptionCode.CheckpointNotFound,
          `No checkpoint of at most ${atMost} entries was made.`,
        );
      return this.signed(cp);
    }
    const names = this.witnesses.map((w) => w.name);
    for (const size of await this.repo.sizesWithQuorum(names, this.quorum, 5, atMost)) {
      const cp = await this.checkpoints.at(size);
      if (!cp) continue;
      const { note, cosigners } = await this.cosigned(cp);
      if (cosigners.length >= this.quorum) return note;
    }
    throw new AccessLogException(
      AccessLogExceptionCode.CheckpointNotWitnessed,
      `No checkpoint${atMost === undefined ? '' : ` of at most ${atMost} entries`} has been cosigned by ${this.quorum} of the log's ${names.length} witnesses yet.`,
    );
  }

  /**
   * What a client needs to check the latest witnessed checkpoint itself: the log's key, the
   * witnesses' keys and quorum, and that checkpoint's note with its cosignatures (null while none
   * has reached the quorum, or with no witnesses configured).
   */
  async witnessing(): Promise<Witnessing> {
    const witnesses = this.witnesses.map((w) => ({ name: w.name, key: w.vkey }));
    const base = { logKey: this.verifierKey, quorum: this.quorum, witnesses };
    if (!witnesses.length) return { ...base, note: null };
    try {
      return { ...base, note: await this.latest() };
    } catch (e) {
      if (e instanceof AccessLogException && e.code === (AccessLogExceptionCode.CheckpointNotWitnessed as string))
        return { ...base, note: null };
      throw e;
    }
  }
}

export interface Witnessing {
  logKey: string;
  quorum: number;
  witnesses: { name: string; key: string }[];
  note: string | null;
}
