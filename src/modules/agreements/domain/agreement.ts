import { ValidationException } from '@shared/errors/index.js';
import { AgreementActivatedEvent } from './agreement-activated.event.js';
import { AgreementAmendedEvent } from './agreement-amended.event.js';
import { renderDocument, sha256Base64url } from './agreement-document.js';
import { AgreementException, AgreementExceptionCode } from './agreement.exception.js';
import { AgreementResumedEvent } from './agreement-resumed.event.js';
import { checkTerms } from './agreement-rules.js';
import { AgreementSuspendedEvent } from './agreement-suspended.event.js';
import { AgreementTerminatedEvent } from './agreement-terminated.event.js';
import type { AgreementStatus, AgreementTerms } from './agreement-terms.js';

/** Who did something: an organisation and the person or system it vouched for. */
export interface Actor {
  org: string;
  sub: string;
}

/** One immutable version: its terms and the exact canonical document the parties sign. */
export interface AgreementVersion {
  version: number;
  terms: AgreementTerms;
  document: string;
  documentSha256: string;
  createdAt: Date;
  createdBy: Actor;
}

/** A party's signature of one version, kept verbatim. */
export interface AgreementSignature {
  version: number;
  org: string;
  sub: string;
  kid: string;
  alg: string;
  jws: string;
  signedAt: Date;
}

/** The last suspension, resumption or termination: who, when and why. */
export interface StatusChange {
  action: 'suspend' | 'resume' | 'terminate';
  reason: string;
  at: Date;
  by: Actor;
}

export type AgreementEvent =
  | AgreementActivatedEvent
  | AgreementAmendedEvent
  | AgreementSuspendedEvent
  | AgreementResumedEvent
  | AgreementTerminatedEvent;

interface State {
  id: string;
  status: AgreementStatus;
  current: AgreementVersion;
  activeVersion: number | null;
  signatures: AgreementSignature[];
  partyOrgs: string[];
  lastChange: StatusChange | null;
  createdAt: Date;
  createdBy: Actor;
  updatedAt: Date;
}

/**
 * A data-sharing agreement and its lifecycle:
 *
 *   DRAFT -(submit, or a first signature)-> PENDING_SIGNATURES -(every party signed)-> ACTIVE
 *   ACTIVE -(suspend)-> SUSPENDED -(resume)-> ACTIVE
 *   any state but TERMINATED -(terminate)-> TERMINATED
 *   EXPIRED once the current version's validTo has passed (computed, so it holds without a job)
 *
 * Amending creates a new version that every party must sign again. The version in force
 * (`activeVersion`) keeps covering sharing while an amendment of an ACTIVE agreement awaits
 * signatures: every party agreed to it and nobody withdrew it, so sharing continues lawfully
 * and without a gap. Amending a SUSPENDED or EXPIRED agreement withdraws the old version, so
 * an amendment can never undo a suspension.
 */
export class Agreement {
  private readonly newVersions: AgreementVersion[] = [];
  private readonly newSignatures: AgreementSignature[] = [];
  private readonly events: AgreementEvent[] = [];

  private constructor(private s: State) {}

  static draft(p: { id: string; terms: AgreementTerms; by: Actor; now: Date }): Agreement {
    Agreement.assertTerms(p.terms, p.now);
    const current = Agreement.makeVersion(p.id, 1, p.terms, p.by, p.now);
    const a = new Agreement({
      id: p.id,
      status: 'DRAFT',
      current,
      activeVersion: null,
      signatures: [],
      partyOrgs: p.terms.parties.map((x) => x.org),
      lastChange: null,
      createdAt: p.now,
      createdBy: p.by,
      updatedAt: p.now,
    });
    a.newVersions.push(current);
    return a;
  }

  static restore(s: State): Agreement {
    return new Agreement({ ...s, signatures: [...s.signatures], partyOrgs: [...s.partyOrgs] });
  }

  get id(): string {
    return this.s.id;
  }
  /** The status as stored; use statusAt(now) for decisions. */
  get storedStatus(): AgreementStatus {
    return this.s.status;
  }
  get version(): number {
    return this.s.current.version;
  }
  get current(): AgreementVersion {
    return this.s.current;
  }
  get terms(): AgreementTerms {
    return this.s.current.terms;
  }
  get activeVersion(): number | null {
    return this.s.activeVersion;
  }
  get signatures(): readonly AgreementSignature[] {
    return this.s.signatures;
  }
  /** Every organisation that was a party to any version (each may still read what it agreed to). */
  get partyOrgs(): readonly string[] {
    return this.s.partyOrgs;
  }
  get lastChange(): StatusChange | null {
    return this.s.lastChange;
  }
  get createdAt(): Date {
    return this.s.createdAt;
  }
  get createdBy(): Actor {
    return this.s.createdBy;
  }
  get updatedAt(): Date {
    return this.s.updatedAt;
  }

  /** The status at `now`: EXPIRED as soon as the current version's validTo has passed. */
  statusAt(now: Date): AgreementStatus {
    if (this.s.status === 'TERMINATED' || this.s.status === 'EXPIRED') return this.s.status;
    return now.getTime() >= this.terms.validTo.getTime() ? 'EXPIRED' : this.s.status;
  }

  isParty(org: string): boolean {
    return this.terms.parties.some((p) => p.org === org);
  }

  /** Parties of the current version that have not signed it yet. */
  awaitingSignatures(): string[] {
    return this.terms.parties.filter((p) => !this.s.signatures.some((x) => x.org === p.org)).map((p) => p.org);
  }

  amend(terms: AgreementTerms, by: Actor, now: Date): void {
    const status = this.statusAt(now);
    if (status === 'TERMINATED') throw AgreementException.state('amend', status);
    Agreement.assertTerms(terms, now);
    const next = Agreement.makeVersion(this.id, this.version + 1, terms, by, now);
    // A suspended or expired version must not start covering again when the amendment is signed
    // by some parties only: withdraw it, so nothing flows until the new version is in force.
    if (status === 'SUSPENDED' || status === 'EXPIRED') this.s.activeVersion = null;
    this.s.current = next;
    this.s.signatures = [];
    this.s.status = status === 'DRAFT' ? 'DRAFT' : 'PENDING_SIGNATURES';
    for (const p of terms.parties) if (!this.s.partyOrgs.includes(p.org)) this.s.partyOrgs.push(p.org);
    this.s.updatedAt = now;
    this.newVersions.push(next);
    this.events.push(new AgreementAmendedEvent(this.id, next.version, this.s.activeVersion, now));
  }

  /** Sends a draft out for signature: its terms are final for this version. */
  submit(now: Date): void {
    const status = this.statusAt(now);
    if (status !== 'DRAFT') throw AgreementException.state('submit', status, 'only a DRAFT is submitted for signature');
    this.s.status = 'PENDING_SIGNATURES';
    this.s.updatedAt = now;
  }

  /**
   * Records a party's verified signature of a version. The caller has checked the JWS against
   * the organisation's key and the document bytes; the aggregate checks it is the current
   * version, a party's, the first from that party, and that the agreement is open for signing.
   * A signature on a DRAFT submits it.
   */
  sign(sig: AgreementSignature, now: Date): void {
    if (!this.isParty(sig.org))
      throw new AgreementException(
        AgreementExceptionCode.NotAParty,
        `Organisation "${sig.org}" is not a party to version ${this.version} of this agreement.`,
      );
    if (sig.version !== this.version) {
      throw new AgreementException(
        AgreementExceptionCode.SignatureVersionMismatch,
        `The signature is over version ${sig.version}, but the current version is ${this.version}; fetch the document again and sign that.`,
      );
    }
    if (this.s.signatures.some((x) => x.org === sig.org))
      throw new AgreementException(
        AgreementExceptionCode.AlreadySigned,
        `Organisation "${sig.org}" has already signed version ${this.version}.`,
      );
    const status = this.statusAt(now);
    if (status !== 'DRAFT' && status !== 'PENDING_SIGNATURES') throw AgreementException.state('sign', status);
    this.s.signatures.push(sig);
    this.newSignatures.push(sig);
    this.s.status = 'PENDING_SIGNATURES';
    this.s.updatedAt = now;
    if (this.awaitingSignatures().length === 0) {
      this.s.status = 'ACTIVE';
      this.s.activeVersion = this.version;
      this.events.push(
        new AgreementActivatedEvent(
          this.id,
          this.version,
          this.terms.parties.map((p) => p.org),
          now,
        ),
      );
    }
  }

  /** Stops sharing at once. Anything in force can be suspended, including while an amendment awaits signatures. */
  suspend(by: Actor, reason: string, now: Date): void {
    const status = this.statusAt(now);
    const inForce = status === 'ACTIVE' || (status === 'PENDING_SIGNATURES' && this.s.activeVersion !== null);
    if (!inForce) throw AgreementException.state('suspend', status, 'only an agreement in force can be suspended');
    this.s.status = 'SUSPENDED';
    this.s.lastChange = { action: 'suspend', reason, at: now, by };
    this.s.updatedAt = now;
    this.events.push(new AgreementSuspendedEvent(this.id, this.s.activeVersion!, by.org, reason, now));
  }

  /** Lifts a suspension: ACTIVE again, or back to PENDING_SIGNATURES when an amendment still awaits signatures. */
  resume(by: Actor, reason: string, now: Date): void {
    const status = this.statusAt(now);
    if (status !== 'SUSPENDED')
      throw AgreementException.state('resume', status, 'only a SUSPENDED agreement can be resumed');
    this.s.status = this.s.activeVersion === this.version ? 'ACTIVE' : 'PENDING_SIGNATURES';
    this.s.lastChange = { action: 'resume', reason, at: now, by };
    this.s.updatedAt = now;
    this.events.push(new AgreementResumedEvent(this.id, this.s.activeVersion ?? this.version, by.org, reason, now));
  }

  terminate(by: Actor, reason: string, now: Date): void {
    const status = this.statusAt(now);
    if (status === 'TERMINATED') throw AgreementException.state('terminate', status);
    this.s.status = 'TERMINATED';
    this.s.lastChange = { action: 'terminate', reason, at: now, by };
    this.s.updatedAt = now;
    this.events.push(new AgreementTerminatedEvent(this.id, this.s.activeVersion ?? this.version, by.org, reason, now));
  }

  /** The org that suspended the agreement, while it is suspended. */
  get suspendedBy(): string | null {
    return this.s.status === 'SUSPENDED' && this.s.lastChange?.action === 'suspend' ? this.s.lastChange.by.org : null;
  }

  /** Versions and signatures created since load, for the repository to insert (rows are never updated). */
  pendingInserts(): { versions: readonly AgreementVersion[]; signatures: readonly AgreementSignature[] } {
    return { versions: this.newVersions, signatures: this.newSignatures };
  }

  /** Domain events raised since load; publish them only after the change is committed. */
  pullEvents(): AgreementEvent[] {
    return this.events.splice(0);
  }

  private static makeVersion(
    id: string,
    version: number,
    terms: AgreementTerms,
    by: Actor,
    now: Date,
  ): AgreementVersion {
    const document = renderDocument(id, version, terms);
    return { version, terms, document, documentSha256: sha256Base64url(document), createdAt: now, createdBy: by };
  }

  private static assertTerms(terms: AgreementTerms, now: Date): void {
    const errors = checkTerms(terms, now);
    if (errors.length)
      throw new ValidationException(
        errors,
        `The agreement terms are invalid: ${[...new Set(errors.map((e) => e.field))].slice(0, 5).join(', ')}.`,
      );
  }
}
