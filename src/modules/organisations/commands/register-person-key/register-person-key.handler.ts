import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ForbiddenException } from '@shared/auth/auth.exception.js';
import { logActor } from '@shared/auth/principal.js';
import type { Role } from '@shared/auth/roles.js';
import { AccessLogWriter, type LogIntent } from '@modules/access-log/index.js';
import { thumbprint, validatePublicJwk } from '@shared/crypto/jwk.js';
import { OrganisationException, OrganisationExceptionCode } from '../../domain/organisation.exception.js';
import { MAX_LIVE_KEYS_PER_PERSON, PERSON_KEY_ROLES, PersonKey } from '../../domain/person-key.js';
import { PERSON_KEY_REPOSITORY, type PersonKeyRepository } from '../../domain/person-key.repository.port.js';
import { RegisterPersonKeyCommand } from './register-person-key.command.js';

/**
 * Records a pending personal key. Only a person signed in through their organisation's identity
 * provider registers one (a system's token has no person to bind it to), only for a role they
 * hold that signs something, and only a public EC P-256 key: a JWK with a private member is refused.
 */
@CommandHandler(RegisterPersonKeyCommand)
export class RegisterPersonKeyHandler implements ICommandHandler<RegisterPersonKeyCommand> {
  constructor(
    @Inject(PERSON_KEY_REPOSITORY) private readonly repo: PersonKeyRepository,
    private readonly log: AccessLogWriter,
  ) {}

  async execute({ principal: p, jwk, role, name }: RegisterPersonKeyCommand): Promise<{ kid: string }> {
    if (p.idp === undefined)
      throw new ForbiddenException(
        'Only a person signed in through their organisation identity provider registers a personal key.',
        'person_required',
      );
    if (!PERSON_KEY_ROLES[role as Role] || !p.roles.includes(role as Role))
      throw new OrganisationException(
        OrganisationExceptionCode.PersonKeyRole,
        `A personal key is registered for one of your roles that signs something.`,
        [{ field: 'role', message: 'must be one of your roles that signs agreements or exchange requests' }],
      );
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw invalidKey('must be a public JWK object');
    // The kid is the gateway's to give (from the key itself); a placeholder lets the checks run.
    const checked = await validatePublicJwk({ ...jwk, kid: 'person-key' });
    if (!checked.ok) throw invalidKey(checked.problem);
    if (checked.jwk.kty !== 'EC') throw invalidKey('must be an EC P-256 key (ES256)');
    const key = PersonKey.register({
      jwk: checked.jwk,
      thumbprint: await thumbprint(checked.jwk),
      holder: { org: p.org, issuer: p.idp, sub: p.sub, name, role: role as Role },
      now: new Date(),
    });
    // The key and its access-log entry (a governance action) commit together.
    let intent: LogIntent | undefined;
    await this.repo.insert(key, MAX_LIVE_KEYS_PER_PERSON, async (tx) => {
      intent = await this.log.enqueue(tx, {
        actor: logActor(p),
        action: 'person-key.register',
        resource: { type: 'person-key', id: key.kid },
        decision: 'ALLOW',
        reasons: [`role:${key.holder.role}`],
        ownerOrg: p.org,
        requestId: p.requestId,
        jti: p.jti,
      });
    });
    if (intent) await this.log.integrate(intent);
    return { kid: key.kid };
  }
}

const invalidKey = (message: string) =>
  new OrganisationException(OrganisationExceptionCode.InvalidKey, `Invalid key: jwk ${message}.`, [
    { field: 'jwk', message },
  ]);
