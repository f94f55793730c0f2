import { hasRole, logActor, type Principal } from '@shared/auth/principal.js';
import type { Transaction } from '@shared/database/transaction.js';
import { links, recordEvents, type EventType } from '@shared/events/index.js';
import type { AccessLogWriter, LogIntent } from '@modules/access-log/index.js';
import { CaseException, CaseExceptionCode } from '../domain/case.exception.js';
import type { CaseRepository } from '../domain/case.repository.port.js';

/** What a rectification, erasure or restriction answers: the fields concerned and who was told. */
export interface RightsResult {
  crn: string;
  fields: string[];
  notified: string[];
  accessLogIndex: number | null;
}

/** Rectification, erasure and restriction are the managing organisation's: its system or data owner. */
export function assertMayExerciseRights(p: Principal): void {
  if (!hasRole(p, 'system', 'data-owner'))
    throw new CaseException(
      CaseExceptionCode.NotManagingOrganisation,
      "Only the managing organisation's system or data owner may rectify, erase or restrict a case.",
    );
}

/**
 * In the change's transaction: finds the organisations the access log shows received any of
 * `fields` (any field when null), queues the change's log entry, and writes `event` for exactly
 * those organisations (as parties: a restricted or erased case can no longer be read, so a
 * read decision would tell nobody). The event carries the CRN as its subject and nothing else.
 */
export async function recordRightsChange(
  tx: Transaction,
  deps: { cases: CaseRepository; log: AccessLogWriter },
  p: Principal,
  change: {
    crn: string;
    managingOrg: string;
    action: string;
    reason: string;
    fields: readonly string[] | null;
    event: EventType | null;
  },
): Promise<{ intent: LogIntent; notified: string[] }> {
  const notified =
    change.event && change.fields?.length !== 0
      ? await deps.cases.recipientsOf(tx, change.crn, change.fields, change.managingOrg)
      : [];
  const intent = await deps.log.enqueue(tx, {
    actor: logActor(p),
    action: change.action,
    resource: { type: 'case', id: change.crn },
    crn: change.crn,
    reason: change.reason,
    decision: 'ALLOW',
    reasons: [
      'managing organisation',
      change.fields ? `fields: ${change.fields.join(', ') || 'none'}` : 'the whole case',
      ...notified.map((o) => `recipient told: ${o}`),
    ],
    ownerOrg: change.managingOrg,
    recipientOrg: null,
    requestId: p.requestId,
    jti: p.jti,
  });
  if (change.event && notified.length)
    await recordEvents(tx, [
      { type: change.event, subject: change.crn, parties: notified, link: links.case(change.crn) },
    ]);
  return { intent, notified };
}
