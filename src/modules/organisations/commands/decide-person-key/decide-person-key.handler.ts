import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ForbiddenException } from '@shared/auth/auth.exception.js';
import { hasRole, logActor, type Principal } from '@shared/auth/principal.js';
import { AccessLogWriter, type LogIntent } from '@modules/access-log/index.js';
import { OrganisationException, OrganisationExceptionCode } from '../../domain/organisation.exception.js';
import type { PersonKey, PersonKeyStatus } from '../../domain/person-key.js';
import { PERSON_KEY_REPOSITORY, type PersonKeyRepository } from '../../domain/person-key.repository.port.js';
import { DecidePersonKeyCommand, type PersonKeyDecision } from './decide-person-key.command.js';

/**
 * Who may change a personal key (deny by default):
 * - approve: only the organisation's own system, which vouches for its people as it does for its
 *   requests (the operator does not: it must never be able to put a key into an organisation's hands);
 * - revoke: the organisation's own system, the operator's gateway-admin (a brake), or the holder.
 * Callers of another organisation learn nothing about the key (404).
 */
function allowed(p: Principal, key: PersonKey, decision: PersonKeyDecision): boolean {
  const ownSystem = p.org === key.holder.org && hasRole(p, 'system');
  if (decision === 'approve') return ownSystem;
  const holder = p.org === key.holder.org && p.idp === key.holder.issuer && p.sub === key.holder.sub;
  return ownSystem || holder || (p.orgKind === 'GATEWAY' && hasRole(p, 'gateway-admin'));
}

@CommandHandler(DecidePersonKeyCommand)
export class DecidePersonKeyHandler implements ICommandHandler<DecidePersonKeyCommand> {
  constructor(
    @Inject(PERSON_KEY_REPOSITORY) private readonly repo: PersonKeyRepository,
    private readonly log: AccessLogWriter,
  ) {}

  async execute({ principal: p, orgId, kid, decision }: DecidePersonKeyCommand): Promise<{
    kid: string;
    status: PersonKeyStatus;
  }> {
    const mayKnow = p.org === orgId || (p.orgKind === 'GATEWAY' && hasRole(p, 'gateway-admin'));
    const key = mayKnow ? await this.repo.find(orgId, kid) : null;
    if (!key)
      throw new OrganisationException(
        OrganisationExceptionCode.PersonKeyNotFound,
        `Organisation "${orgId}" has no personal key "${kid}".`,
      );
    if (!allowed(p, key, decision))
      throw new ForbiddenException(
        decision === 'approve'
          ? "Only the organisation's own system approves its people's keys."
          : "Only the organisation's own system, the operator's gateway-admin or the key's holder revokes it.",
        'role_required',
      );
    const now = new Date();
    if (decision === 'approve') key.approve(`${p.org}/${p.sub}`, now);
    else key.revoke(`${p.org}/${p.sub}`, now);
    // The decision and its access-log entry (a governance action) commit together.
    let intent: LogIntent | undefined;
    await this.repo.save(key, async (tx) => {
      intent = await this.log.enqueue(tx, {
        actor: logActor(p),
        action: `person-key.${decision}`,
        resource: { type: 'person-key', id: key.kid },
        decision: 'ALLOW',
        reasons: [`holder:${key.holder.issuer} ${key.holder.sub}`.slice(0, 512), `role:${key.holder.role}`],
        ownerOrg: key.holder.org,
        requestId: p.requestId,
        jti: p.jti,
      });
    });
    if (intent) await this.log.integrate(intent);
    return { kid: key.kid, status: key.status };
  }
}
