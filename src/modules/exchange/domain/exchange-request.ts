import type { DataCategory, Purpose } from '@shared/domain/vocabulary.js';
import { dueBy } from './deadlines.js';
import { ExchangeException, ExchangeExceptionCode } from './exchange.exception.js';
import type { ExchangeRequestClaims, RequestAlg } from './request-document.js';

export const EXCHANGE_STATUSES = ['SUBMITTED', 'APPROVED', 'REFUSED', 'FULFILLED', 'EXPIRED'] as const;
export type ExchangeStatus = (typeof EXCHANGE_STATUSES)[number];
export type Urgency = 'ROUTINE' | 'URGENT';
/** Requests still waiting for an answer or a release: the ones that can be overdue or refused by a reaction. */
export const OPEN_STATUSES: readonly ExchangeStatus[] = ['SUBMITTED', 'APPROVED'];

/** Who decided: a data owner of the provider, or the gateway itself (automatic approval or refusal). */
export interface Decider {
  org: string;
  sub: string;
}

/** What was released, kept beside the signed bundle for listing and the log. */
export interface Release {
  agreementVersion: number;
  fieldsReleased: string[];
  fieldsWithheld: string[];
  logIndex: number;
  responseJws: string;
  at: Date;
}

export interface ExchangeRequestState {
  id: string;
  requester: string;
  provider: string;
  crn: string;
  purpose: Purpose;
  dataCategories: DataCategory[];
  justification: string;
  urgency: Urgency;
  agreementId: string;
  /** The body exactly as received: the evidence of what was asked, by whom. */
  requestJws: string;
  requestJti: string;
  requestKid: string;
  requestAlg: RequestAlg;
  requestIat: Date;
  submittedBy: { sub: string; roles: string[] };
  submittedAt: Date;
  dueBy: Date;
  status: ExchangeStatus;
  statusReason: string | null;
  decidedAt: Date | null;
  decidedBy: Decider | null;
  release: Release | null;
}

/**
 * A signed record-exchange request and its lifecycle:
 *
 *   SUBMITTED -(approve)-> APPROVED -(release)-> FULFILLED
 *   SUBMITTED | APPROVED -(refuse: data owner, agreement suspended or terminated)-> REFUSED
 *   SUBMITTED | APPROVED -(agreement expired)-> EXPIRED
 *
 * A request refused at submission starts REFUSED. A request past its due time stays SUBMITTED
 * (and is listed as overdue) until someone decides it: lateness is reported, never a reason to
 * drop the question.
 */
export class ExchangeRequest {
  private constructor(private s: ExchangeRequestState) {}

  static submit(p: {
    id: string;
    claims: ExchangeRequestClaims;
    jws: { text: string; kid: string; alg: RequestAlg };
    by: { sub: string; roles: readonly string[] };
    now: Date;
    refusal: string | null;
  }): ExchangeRequest {
    const c = p.claims;
    return new ExchangeRequest({
      id: p.id,
      requester: c.iss,
      provider: c.provider,
      crn: c.crn,
      purpose: c.purpose,
      dataCategories: [...c.dataCategories],
      justification: c.justification,
      urgency: c.urgency,
      agreementId: c.agreementId,
      requestJws: p.jws.text,
      requestJti: c.jti,
      requestKid: p.jws.kid,
      requestAlg: p.jws.alg,
      requestIat: new Date(c.iat * 1000),
      submittedBy: { sub: p.by.sub, roles: [...p.by.roles] },
      submittedAt: p.now,
      dueBy: dueBy(p.now, c.urgency),
      status: p.refusal === null ? 'SUBMITTED' : 'REFUSED',
      statusReason: p.refusal,
      decidedAt: p.refusal === null ? null : p.now,
      decidedBy: p.refusal === null ? null : { org: 'gateway', sub: 'system:exchange' },
      release: null,
    });
  }

  static restore(s: ExchangeRequestState): ExchangeRequest {
    return new ExchangeRequest({ ...s });
  }

  get state(): Readonly<ExchangeRequestState> {
    return this.s;
  }
  get id(): string {
    return this.s.id;
  }
  get status(): ExchangeStatus {
    return this.s.status;
  }
  get isOpen(): boolean {
    return OPEN_STATUSES.includes(this.s.status);
  }

  /** Overdue: still unanswered (or approved but not yet released) after its due time. */
  isOverdue(now: Date): boolean {
    return this.isOpen && now.getTime() > this.s.dueBy.getTime();
  }

  /** Only the two parties may know a request exists. */
  isPartyOf(org: string): boolean {
    return org === this.s.requester || org === this.s.provider;
  }

  approve(by: Decider, reason: string, now: Date): void {
    this.assertStatus('SUBMITTED', 'approved');
    this.s = { ...this.s, status: 'APPROVED', statusReason: reason, decidedAt: now, decidedBy: by };
  }

  refuse(by: Decider, reason: string, now: Date): void {
    if (!this.isOpen) throw this.notOpen('refused');
    this.s = { ...this.s, status: 'REFUSED', statusReason: reason, decidedAt: now, decidedBy: by };
  }

  expire(reason: string, now: Date): void {
    if (!this.isOpen) throw this.notOpen('expired');
    this.s = {
      ...this.s,
      status: 'EXPIRED',
      statusReason: reason,
      decidedAt: this.s.decidedAt ?? now,
      decidedBy: this.s.decidedBy ?? { org: 'gateway', sub: 'system:exchange' },
    };
  }

  fulfil(release: Release): void {
    this.assertStatus('APPROVED', 'fulfilled');
    this.s = { ...this.s, status: 'FULFILLED', release };
  }

  private assertStatus(expected: ExchangeStatus, verb: string): void {
    if (this.s.status !== expected) throw this.notOpen(verb);
  }

  private notOpen(verb: string): ExchangeException {
    return new ExchangeException(
      ExchangeExceptionCode.NotDecidable,
      `This request is ${this.s.status} and cannot be ${verb}.`,
    );
  }
}
