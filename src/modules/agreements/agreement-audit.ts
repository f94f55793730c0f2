import { Injectable } from '@nestjs/common';
import { logActor, type Principal } from '@shared/auth/principal.js';
import { AccessLogWriter, type LogIntent } from '@modules/access-log/index.js';
import type { AgreementStatus } from './domain/agreement-terms.js';
import type { Transaction } from '@shared/database/transaction.js';
import type { ExpiredAgreement } from './domain/agreement.repository.port.js';
import type { Agreement } from './domain/agreement.js';
import { formatRfc3339 } from '@shared/domain/rfc3339.js';

export type AgreementLogAction = 'create' | 'amend' | 'submit' | 'sign' | 'suspend' | 'resume' | 'terminate' | 'expire';

/**
 * One access-log entry per agreement change, queued as a log intent inside the change's
 * transaction: the change and its intent commit or roll back together, so the log never claims
 * a change that did not happen, and a committed change always gets its entry. After the commit,
 * integrate() puts the entries into the tree (or leaves them to the sweeper if it cannot now).
 * Not an event handler: those are neither awaited nor able to fail the change.
 */
@Injectable()
export class AgreementAudit {
  constructor(private readonly log: AccessLogWriter) {}

  record(
    tx: Transaction,
    p: Pick<Principal, 'org' | 'sub' | 'roles' | 'requestId' | 'jti' | 'reason' | 'idp'>,
    action: AgreementLogAction,
    a: Agreement,
    extra: { from?: AgreementStatus; reason?: string; detail?: string[] } = {},
  ): Promise<LogIntent> {
    const now = new Date();
    return this.log.enqueue(tx, {
      actor: logActor(p),
      action: `agreement.${action}`,
      resource: { type: 'agreement', id: a.id },
      reason: (extra.reason ?? p.reason ?? null)?.slice(0, 4000) ?? null,
      decision: 'ALLOW',
      reasons: [
        `agreement:${a.id}@v${a.version}`,
        ...(extra.from ? [`status:${extra.from}->${a.statusAt(now)}`] : [`status:${a.statusAt(now)}`]),
        ...(a.activeVersion !== null ? [`in-force:v${a.activeVersion}`] : []),
        ...a.terms.parties.map((x) => `party:${x.org}:${x.role}`),
        ...(extra.detail ?? []),
      ],
      agreement: { id: a.id, version: a.version },
      ownerOrg: p.org,
      requestId: p.requestId || `agreement-${action}-${a.id}-${now.getTime()}`,
      jti: p.jti,
    });
  }

  /** The gateway itself noticed that an agreement's validTo passed. */
  recordExpired(tx: Transaction, e: ExpiredAgreement, now: Date): Promise<LogIntent> {
    return this.log.enqueue(tx, {
      actor: { org: 'gateway', sub: 'system:agreement-expiry', roles: [] },
      action: 'agreement.expire',
      resource: { type: 'agreement', id: e.id },
      reason: `validTo ${formatRfc3339(e.validTo)} has passed`,
      decision: 'ALLOW',
      reasons: [`agreement:${e.id}@v${e.version}`, 'status:->EXPIRED', ...e.partyOrgs.map((org) => `party:${org}`)],
      agreement: { id: e.id, version: e.version },
      ownerOrg: 'gateway',
      requestId: `agreement-expiry-${e.id}-${now.getTime()}`,
      jti: null,
    });
  }

  /** After the change committed: its entries into the tree, each in turn (a failure leaves the rest to the sweeper too). */
  async integrate(intents: readonly LogIntent[]): Promise<void> {
    for (const intent of intents) await this.log.integrate(intent);
  }
}
