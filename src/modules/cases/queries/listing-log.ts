import { logActor, type Principal } from '@shared/auth/principal.js';
import { CaseException, CaseExceptionCode } from '../domain/case.exception.js';
import type { Purpose } from '@shared/domain/vocabulary.js';
import type { AccessLogReceipt, AccessLogWriter } from '@modules/access-log/index.js';
import type { ReadDecision } from '@modules/policies/index.js';
import type { CaseRecord } from '../domain/case.types.js';

/** One person a listing names, with the decision that let it name them and the fields it gave of them. */
export interface Listed {
  record: CaseRecord;
  decision: ReadDecision;
  released: readonly string[];
  withheld: readonly string[];
}

/**
 * The access-log entries of a listing of people (person search, IOM cohort): one ALLOW entry per
 * person named, with their CRN and managing organisation (so the subject access report and the
 * owner's IG see that they were named, and to whom), or one entry naming nobody when the listing
 * names no one. A person the caller may not know of is in no entry, as a person who does not
 * exist is in none. All are durable before it resolves; when the log cannot be written it
 * throws, and the listing answers nothing.
 */
export function logListing(
  log: AccessLogWriter,
  p: Principal,
  what: { action: string; resource: { type: string; id: string }; purpose: Purpose },
  listed: readonly Listed[],
): Promise<AccessLogReceipt[]> {
  const common = {
    actor: logActor(p),
    action: what.action,
    resource: what.resource,
    purpose: what.purpose,
    reason: p.reason,
    decision: 'ALLOW' as const,
    recipientOrg: p.org,
    requestId: p.requestId,
    jti: p.jti,
    breakGlass: false,
  };
  if (!listed.length)
    return Promise.all([log.append({ ...common, crn: null, reasons: ['no one listed'], ownerOrg: null })]);
  return Promise.all(
    listed.map((l) =>
      log.append({
        ...common,
        crn: l.record.crn,
        reasons: l.decision.reasons,
        agreement: l.decision.agreements[0] ?? null,
        fieldsReleased: l.released,
        fieldsWithheld: l.withheld,
        ownerOrg: l.record.managingOrg,
      }),
    ),
  );
}

/** A listing names people: like every read of case data it needs the actor's reason (DPA 2018 s.62). */
export function requireReason(p: Principal): void {
  if (!p.reason)
    throw new CaseException(
      CaseExceptionCode.ReasonRequired,
      'A reason (the token claim "reason") is required to look for people.',
      [{ field: 'reason', message: 'is required on every search and listing of people' }],
    );
}
