import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '@shared/auth/principal.js';
import {
  AccessLogWriter,
  hiddenReasons,
  type AccessLogEntryInput,
  type AccessLogReceipt,
  type LogIntent,
  type PendingIntent,
  type TransactionSql,
} from '@modules/access-log/index.js';
import { OPERATOR_ORG_ID } from '@modules/organisations/index.js';
import type { ExchangeRequest } from '../domain/exchange-request.js';

/** The gateway itself, when it decides (automatic approval, refusal on an agreement's end). */
export const GATEWAY_ACTOR = { org: OPERATOR_ORG_ID, sub: 'system:exchange' } as const;

/** Who an entry is about when no request was stored (a rejected submission). */
export interface RejectedSubmission {
  bodySha256: string;
  code: string;
  detail: string;
  provider: string | null;
  crn: string | null;
  purpose: string | null;
  justification: string | null;
}

type Actor = Pick<Principal, 'org' | 'sub' | 'roles' | 'requestId' | 'jti' | 'idp'> & { reason?: string };

/**
 * The access-log entries of the exchange: every submission, rejection, decision, refusal,
 * release and response read. Each names the provider as the data's owner and the requester as
 * recipient, so both organisations' IG staff see it.
 *
 * Two kinds. A change of a request (submission, decision, refusal, expiry) queues its entry as a
 * log intent in the change's transaction `tx` (a submission: in the statement that stores it),
 * so both commit or neither does; the handler then integrates it. A release of data (the
 * release's bundle, a response read) and a rejection (nothing stored) are appended and awaited
 * before the data or the answer leaves: the caller fails closed (503) when the log cannot be
 * written.
 */
@Injectable()
export class ExchangeLog {
  constructor(private readonly log: AccessLogWriter) {}

  /** After the change's transaction committed: its entry into the tree (or, failing that, left to the sweeper). */
  async integrate(intent: LogIntent | null): Promise<void> {
    if (intent) await this.log.integrate(intent);
  }

  /** The submission's entry, queued by the statement that stores the request (see ExchangeRequestRepository.submit). */
  submitted(
    p: Actor,
    r: ExchangeRequest,
    reasons: string[],
    agreement: { id: string; version: number } | null,
  ): PendingIntent {
    const s = r.state;
    return this.log.pending(
      entryOf(p, r, {
        action: 'exchange.submit',
        decision: s.status === 'REFUSED' ? 'DENY' : 'ALLOW',
        reasons: [`urgency:${s.urgency}`, `categories:${s.dataCategories.join(',')}`, ...reasons],
        // The submitter's reason (the token's); the request's justification is in the request itself.
        reason: p.reason ?? s.justification,
        agreement,
      }),
    );
  }

  rejected(p: Actor, x: RejectedSubmission): Promise<AccessLogReceipt> {
    return this.log.append({
      actor: actorOf(p),
      action: 'exchange.reject',
      resource: { type: 'exchange-request-jws', id: `sha256:${x.bodySha256}` },
      crn: x.crn,
      purpose: x.purpose,
      reason: x.justification,
      decision: 'DENY',
      reasons: [x.code, x.detail.slice(0, 500)],
      ownerOrg: x.provider,
      recipientOrg: p.org,
      requestId: p.requestId,
      jti: p.jti,
    });
  }

  decided(
    tx: TransactionSql,
    p: Actor,
    r: ExchangeRequest,
    decision: 'APPROVE' | 'REFUSE',
    reason: string,
    agreement: { id: string; version: number } | null,
  ): Promise<LogIntent> {
    return this.enqueue(tx, p, r, {
      action: 'exchange.decide',
      decision: decision === 'APPROVE' ? 'ALLOW' : 'DENY',
      reasons: [decision],
      reason,
      agreement,
    });
  }

  /**
   * A refusal or expiry the gateway made on its own (the agreement ended, or stopped covering the
   * request); `agreement` is the version whose end decided it, when known.
   */
  closedByGateway(
    tx: TransactionSql,
    r: ExchangeRequest,
    reason: string,
    requestId: string = randomUUID(),
    agreement: { id: string; version: number } | null = null,
  ): Promise<LogIntent> {
    const actor = { ...GATEWAY_ACTOR, roles: [], requestId, jti: '' };
    return this.enqueue(tx, actor, r, {
      action: r.status === 'EXPIRED' ? 'exchange.expire' : 'exchange.refuse',
      decision: 'DENY',
      reasons: [reason.slice(0, 500)],
      reason: null,
      agreement,
    });
  }

  released(
    p: Actor,
    r: ExchangeRequest,
    how: string[],
    agreement: { id: string; version: number },
    released: string[],
    withheld: string[],
  ): Promise<AccessLogReceipt> {
    return this.append(p, r, {
      action: 'exchange.release',
      decision: 'ALLOW',
      reasons: how,
      reason: r.state.justification,
      agreement,
      fieldsReleased: released,
      fieldsWithheld: withheld,
    });
  }

  /** A fetch of the response by either party: the requester's, allowed or not yet, or the provider's (refused). */
  responseRead(p: Actor, r: ExchangeRequest, allowed: boolean, reasons: string[]): Promise<AccessLogReceipt> {
    const rel = r.state.release;
    return this.append(p, r, {
      action: 'exchange.response.read',
      decision: allowed ? 'ALLOW' : 'DENY',
      reasons,
      // Why this fetch, in the fetcher's words (the token's reason, required).
      reason: p.reason ?? r.state.justification,
      agreement: allowed && rel ? { id: r.state.agreementId, version: rel.agreementVersion } : null,
      fieldsReleased: allowed && rel ? rel.fieldsReleased : [],
      fieldsWithheld: allowed && rel ? rel.fieldsWithheld : [],
    });
  }

  /**
   * A fetch of the response of request `id` by an organisation that is not a party to it, or of
   * an id no request has. A "not found" entry (see hiddenReasons): `provider` (the owner, null
   * for an unknown id) and `detail` are seen only by the provider's IG and the operator's; the
   * caller's own IG sees the same projection for both, and nothing of the request.
   */
  responseProbe(p: Actor, id: string, provider: string | null, detail: string): Promise<AccessLogReceipt> {
    return this.log.append({
      actor: actorOf(p),
      action: 'exchange.response.read',
      resource: { type: 'exchange-request', id },
      crn: null,
      purpose: null,
      reason: p.reason ?? null,
      decision: 'DENY',
      reasons: hiddenReasons([detail]),
      agreement: null,
      ownerOrg: provider,
      recipientOrg: p.org,
      requestId: p.requestId,
      jti: p.jti || null,
    });
  }

  private append(p: Actor, r: ExchangeRequest, e: EntryParts): Promise<AccessLogReceipt> {
    return this.log.append(entryOf(p, r, e));
  }

  private enqueue(tx: TransactionSql, p: Actor, r: ExchangeRequest, e: EntryParts): Promise<LogIntent> {
    return this.log.enqueue(tx, entryOf(p, r, e));
  }
}

type EntryParts = Pick<
  AccessLogEntryInput,
  'action' | 'decision' | 'reasons' | 'reason' | 'agreement' | 'fieldsReleased' | 'fieldsWithheld'
> &
  Partial<Pick<AccessLogEntryInput, 'crn' | 'purpose'>>;

function entryOf(p: Actor, r: ExchangeRequest, e: EntryParts): AccessLogEntryInput {
  const s = r.state;
  return {
    crn: s.crn,
    purpose: s.purpose,
    ...e,
    actor: actorOf(p),
    resource: { type: 'exchange-request', id: s.id },
    ownerOrg: s.provider,
    recipientOrg: s.requester,
    requestId: p.requestId,
    jti: p.jti || null,
  };
}

function actorOf(p: Actor): AccessLogEntryInput['actor'] {
  return { org: p.org, sub: p.sub, roles: [...p.roles], ...(p.idp === undefined ? {} : { idp: p.idp }) };
}
