import { Injectable } from '@nestjs/common';
import { PURPOSES, type Purpose } from '@shared/domain/vocabulary.js';
import { ROLES_BY_KIND } from '@shared/auth/roles.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { CaseAccess } from '@modules/cases/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import type { StoredEvent } from '../domain/event-envelope.js';

/** Whether an organisation may learn of an event now, and what to log when it names a CRN. */
export type Verdict = { ok: false } | { ok: true; disclosure: null } | { ok: true; disclosure: Disclosure };

/**
 * What a delivery naming a CRN discloses, for its log entry. A notice of a rights change (a case
 * rectified, erased or restricted) goes to the organisations that received the data, for no
 * purpose of theirs: `purpose` and `ownerOrg` are null there (the case may be gone).
 */
export interface Disclosure {
  crn: string;
  purpose: Purpose | null;
  reasons: string[];
  ownerOrg: string | null;
}

const CRN = /^[A-Z][0-9]{6}$/;

/**
 * Who gets what, decided when the event is delivered or served by the feed, with the reads' own
 * decision (the state of that instant, not of the event's: see README, Events):
 * - an agreement or exchange-request event goes to its parties only;
 * - a case event goes to an organisation only if, at this instant, it could read the case's
 *   summary for at least one purpose, acting with any of the roles its kind of organisation can
 *   hold (no break-glass): policy, an agreement in force and a relationship must all hold, so a
 *   suspended agreement, a transfer away or a restricted case stops events at once.
 */
@Injectable()
export class EventAudience {
  constructor(
    private readonly access: CaseAccess,
    private readonly orgs: OrganisationDirectory,
  ) {}

  async decide(org: string, e: StoredEvent, at = new Date()): Promise<Verdict> {
    if (!e.crn) {
      if (!e.parties.includes(org)) return { ok: false };
      // A case's rights notice names its CRN as subject: its delivery is logged like any other.
      if (e.type.startsWith('case.') && CRN.test(e.subject))
        return {
          ok: true,
          disclosure: { crn: e.subject, purpose: null, reasons: [`notice to a recipient: ${e.type}`], ownerOrg: null },
        };
      return { ok: true, disclosure: null };
    }
    const o = await this.orgs.get(org);
    if (!o || o.status !== 'ACTIVE') return { ok: false };
    const actor = await this.access.actorFacts({
      org,
      orgKind: o.kind,
      roles: [...ROLES_BY_KIND[o.kind]],
      attrs: {},
      breakGlass: false,
    });
    for (const purpose of PURPOSES) {
      const { decision, record } = await this.access.decide(actor, e.crn, purpose, 'summary', at);
      // An event of an earlier case under this CRN (erased, then allocated again) is nobody's now.
      // Events are stamped as their change writes them, after its own writes and waits
      // (OutboxPublishedAfterCommit), and the record with its creating transaction's start: every
      // event of this record is at or after it, every event of an erased one before it.
      if (record?.createdAt && e.occurredAt < record.createdAt) return { ok: false };
      if (decision.outcome === 'allow' && record)
        return {
          ok: true,
          disclosure: { crn: e.crn, purpose, reasons: decision.reasons, ownerOrg: record.managingOrg },
        };
      // No such case, or a restricted one managed elsewhere: the same answer for every purpose.
      if (!record || (record.restricted && record.managingOrg !== org)) return { ok: false };
    }
    return { ok: false };
  }
}

/** The access-log entry of a delivery (or feed item) that names a CRN: a disclosure to `org`. */
export function disclosureEntry(
  org: string,
  e: StoredEvent,
  d: Disclosure,
  channel: string,
  requestId: string,
): Parameters<AccessLogWriter['append']>[0] {
  return {
    actor: { org: 'gateway', sub: 'system:events', roles: [] },
    action: 'event.disclose',
    resource: { type: 'event', id: e.id },
    crn: d.crn,
    purpose: d.purpose,
    reason: `${e.type} event, ${channel}`,
    decision: 'ALLOW',
    reasons: d.reasons,
    fieldsReleased: [],
    recipientOrg: org,
    ownerOrg: d.ownerOrg,
    requestId,
  };
}
