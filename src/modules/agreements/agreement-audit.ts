import { Injectable } from '@nestjs/common';
import type { Principal } from '@shared/auth/principal.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import type { AgreementStatus } from './domain/agreement-terms.js';
import type { ExpiredAgreement } from './domain/agreement.repository.port.js';
import type { Agreement } from './domain/agreement.js';
import { formatRfc3339 } from './domain/rfc3339.js';

export type AgreementLogAction = 'create' | 'amend' | 'submit' | 'sign' | 'suspend' | 'resume' | 'terminate' | 'expire';

/**
 * Writes one access-log entry per agreement change, inside the change's transaction, before it
 * commits: a change whose entry cannot be written does not happen (503), and the response
 * leaves only after both. Not an event handler: those are neither awaited nor able to fail the
 * change.
 */
@Injectable()
export class AgreementAudit {
  constructor(private readonly log: AccessLogWriter) {}

  async record(p: Pick<Principal, 'org' | 'sub' | 'roles' | 'requestId' | 'jti' | 'reason'>, action: AgreementLogAction, a: Agreement, extra: { from?: AgreementStatus; reason?: string; detail?: string[] } = {}): Promise<void> {
    const now = new Date();
    await this.log.append({
      actor: { org: p.org, sub: p.sub, roles: p.roles },
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
  async recordExpired(e: ExpiredAgreement, now: Date): Promise<void> {
    await this.log.append({
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
}
