import type { OrgKind } from '@shared/auth/roles.js';
import { isAllocator } from './case-allocation.js';
import { CaseException, CaseExceptionCode } from './case.exception.js';
import { isHighRosh, type Assessment, type CaseRecord, type Restriction, type Tier } from './case.types.js';

/** The organisation acting on a case. */
export interface CaseActor {
  org: string;
  orgKind: OrgKind;
}

/** A case record as pushed by a system (PUT /cases/{crn}); the gateway keeps escalation and transfers. */
export type PushedCase = Omit<CaseRecord, 'escalation' | 'pendingTransfer' | 'updatedAt' | 'restriction'>;

/** A rectification by the managing organisation (DPA 2018 s.46): the corrected values only. */
export interface Rectification {
  person?: Partial<Pick<CaseRecord['person'], 'givenName' | 'familyName' | 'dateOfBirth' | 'pncId'>>;
  tier?: Tier;
}

/** Parts of a case its manager may erase while keeping the rest (DPA 2018 s.47(1)). */
export const ERASABLE_PARTS = ['person.pncId', 'mappa', 'iom', 'licenceConditions', 'sensitive'] as const;
export type ErasablePart = (typeof ERASABLE_PARTS)[number];

/** The released field names (policies' vocabulary) each erasable part holds: who received them is told. */
export const FIELDS_OF_PART: Record<ErasablePart, readonly string[]> = {
  'person.pncId': ['person.pncId'],
  mappa: ['mappa.category', 'mappa.level'],
  iom: ['iom'],
  licenceConditions: ['licenceConditions'],
  sensitive: ['sensitive.health', 'sensitive.victims'],
};

/** An offer of a case to another probation provider (POST /cases/{crn}/transfers). */
export interface CaseTransfer {
  id: string;
  crn: string;
  fromOrg: string;
  toOrg: string;
  reason: string;
  status: 'PENDING' | 'ACCEPTED' | 'CANCELLED';
}

/** What changed in a case, for its thin events (none of a case's content). */
export type CaseChange = 'updated' | 'rosh' | 'mappa' | 'licence-conditions';

/**
 * The case aggregate: who may change a case and how. Every rule of pushes, assessments and
 * transfers lives here; handlers load it locked, call one method, and save what it answers.
 * A CRN the actor may not know about (managed elsewhere, restricted or not, or unknown) gets
 * the same refusal as no case at all.
 */
export class Case {
  private constructor(private state: CaseRecord) {}

  static restore(record: CaseRecord): Case {
    return new Case({ ...record });
  }

  get record(): Readonly<CaseRecord> {
    return this.state;
  }

  /**
   * Rules of a push of `pushed` by `actor` onto `existing` (null for an unused CRN), checked after
   * the allocation rules of case-allocation.ts. A non-allocator (a CRC) gets one answer for a
   * case managed elsewhere and an unknown CRN; an allocator gets 409 for a CRN held elsewhere,
   * since creating a taken CRN must fail. Answers what changed, for the case's events.
   */
  static push(existing: Case | null, actor: CaseActor, pushed: PushedCase): CaseChange[] {
    const allocator = isAllocator(actor.orgKind);
    if (!existing) {
      if (!allocator) throw notYours();
      return ['updated'];
    }
    const before = existing.state;
    if (before.managingOrg !== actor.org) {
      if (!allocator) throw notYours();
      throw new CaseException(
        CaseExceptionCode.CrnAllocated,
        'This CRN is already held by another organisation; a change of manager is a transfer by its managing organisation.',
      );
    }
    if (pushed.managingOrg !== actor.org)
      throw new CaseException(
        CaseExceptionCode.ManagingOrgChange,
        'Changing the managing organisation of a case is a transfer (POST /cases/{crn}/transfers).',
        [{ field: 'managingOrg', message: 'must stay the managing organisation' }],
      );
    return changesBetween(before, pushed);
  }

  /**
   * Records that the managing organisation completed `assessment`. When it raises a CRC-managed
   * case to HIGH or VERY_HIGH RoSH and the case is not already escalated, the case is marked as
   * needing transfer to the NPS (which makes high-risk decisions); answers whether it was.
   */
  recordAssessment(actor: CaseActor, assessment: Assessment, now: Date): boolean {
    this.assertManagedBy(actor.org);
    if (actor.orgKind !== 'CRC' || !isHighRosh(assessment.rosh.overall) || this.state.escalation) return false;
    this.state.escalation = {
      raisedAt: now.toISOString(),
      reason: `RoSH assessed ${assessment.rosh.overall}: the case needs transfer to the NPS`,
      assessmentId: assessment.assessmentId,
    };
    return true;
  }

  /** The managing organisation offers the case to `toOrg` (already checked to be another active provider). */
  offerTransfer(actor: CaseActor, id: string, toOrg: string, reason: string): CaseTransfer {
    this.assertManagedBy(actor.org);
    if (this.state.pendingTransfer)
      throw new CaseException(
        CaseExceptionCode.TransferPending,
        `A transfer to ${this.state.pendingTransfer.toOrg} is already pending.`,
      );
    this.state.pendingTransfer = { id, fromOrg: actor.org, toOrg };
    return { id, crn: this.state.crn, fromOrg: actor.org, toOrg, reason, status: 'PENDING' };
  }

  /**
   * The receiving organisation accepts `transfer`. Management moves at once, and the escalation
   * ends with it.
   */
  acceptTransfer(actor: CaseActor, transfer: CaseTransfer): CaseTransfer {
    if (transfer.crn !== this.state.crn || transfer.toOrg !== actor.org) throw Case.noSuchTransfer();
    if (transfer.status !== 'PENDING')
      throw new CaseException(CaseExceptionCode.TransferNotPending, `The transfer is ${transfer.status}.`);
    this.state.managingOrg = actor.org;
    this.state.pendingTransfer = null;
    this.state.escalation = null;
    return { ...transfer, status: 'ACCEPTED' };
  }

  /**
   * The managing organisation corrects inaccurate data. Answers the released field names whose
   * value changed (none when the correction repeats what is held).
   */
  rectify(actor: CaseActor, r: Rectification): string[] {
    this.assertManagedBy(actor.org);
    const changed: string[] = [];
    const person = { ...this.state.person };
    for (const k of ['givenName', 'familyName', 'dateOfBirth', 'pncId'] as const) {
      const v = r.person?.[k];
      if (v === undefined || (person[k] ?? null) === v) continue;
      person[k] = v as string;
      changed.push(`person.${k}`);
    }
    this.state.person = person;
    if (r.tier !== undefined && r.tier !== this.state.tier) {
      this.state.tier = r.tier;
      changed.push('tier');
    }
    return changed;
  }

  /** The managing organisation erases parts of the case; answers the released field names they held. */
  eraseParts(actor: CaseActor, parts: readonly ErasablePart[]): string[] {
    this.assertManagedBy(actor.org);
    const s = this.state;
    for (const p of parts) {
      if (p === 'person.pncId') s.person = { ...s.person, pncId: null };
      else if (p === 'mappa') s.mappa = null;
      else if (p === 'iom') s.iom = null;
      else if (p === 'licenceConditions') s.licenceConditions = [];
    }
    return [...new Set(parts.flatMap((p) => FIELDS_OF_PART[p]))];
  }

  /** Checks that `actor` may erase the whole case (its manager), before it is deleted. */
  assertErasableBy(actor: CaseActor): void {
    this.assertManagedBy(actor.org);
  }

  /**
   * Restricts processing (DPA 2018 s.47(2)): from now on the case is released to nobody but its
   * manager, and reads, for everyone else, exactly like an unknown CRN. False when it already was.
   */
  restrict(actor: CaseActor & { sub: string }, reason: string, now: Date): boolean {
    this.assertManagedBy(actor.org);
    if (this.state.restriction) return false;
    const restriction: Restriction = { at: now.toISOString(), byOrg: actor.org, bySub: actor.sub, reason };
    this.state.restriction = restriction;
    this.state.restricted = true;
    return true;
  }

  /** Lifts the restriction of processing; false when there was none. A pushed `restricted` flag stays. */
  liftRestriction(actor: CaseActor): boolean {
    this.assertManagedBy(actor.org);
    if (!this.state.restriction) return false;
    this.state.restriction = null;
    return true;
  }

  /** The one answer for a transfer that is not offered to the caller, whether or not it or its case exists. */
  static noSuchTransfer(): CaseException {
    return new CaseException(CaseExceptionCode.TransferNotFound, 'No such transfer is offered to your organisation.');
  }

  private assertManagedBy(org: string): void {
    if (this.state.managingOrg !== org) throw CaseException.notFound();
  }
}

/** The watched attributes a push changed, after 'updated' which every push is. */
function changesBetween(before: CaseRecord, after: PushedCase): CaseChange[] {
  const changes: CaseChange[] = ['updated'];
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (before.rosh.overall !== after.rosh.overall) changes.push('rosh');
  if (before.mappa?.level !== after.mappa?.level || before.mappa?.category !== after.mappa?.category)
    changes.push('mappa');
  if (!same([...before.licenceConditions].sort(), [...after.licenceConditions].sort()))
    changes.push('licence-conditions');
  return changes;
}

/** A non-allocator's push of a CRN it does not manage: one answer whether the CRN exists or not. */
function notYours(): CaseException {
  return new CaseException(
    CaseExceptionCode.NotManagingOrganisation,
    'You may push only cases your organisation manages; cases are created by the allocating authority (the NPS).',
    [{ field: 'crn', message: 'is not a case your organisation manages' }],
  );
}
