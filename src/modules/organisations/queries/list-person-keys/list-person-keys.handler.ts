import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ForbiddenException } from '@shared/auth/auth.exception.js';
import { hasRole } from '@shared/auth/principal.js';
import { OrganisationException, OrganisationExceptionCode } from '../../domain/organisation.exception.js';
import { ORGANISATION_REPOSITORY, type OrganisationRepository } from '../../domain/organisation.repository.port.js';
import { PERSON_KEY_REPOSITORY, type PersonKeyRepository } from '../../domain/person-key.repository.port.js';
import { ListPersonKeysQuery } from './list-person-keys.query.js';
import { personKeyResponse, type PersonKeyResponse } from './person-key.response.js';

/**
 * An organisation's personal keys, for its own system (which approves them) and the operator's
 * gateway-admin; a signed-in person sees their own. Another organisation's caller gets 404.
 */
@QueryHandler(ListPersonKeysQuery)
export class ListPersonKeysHandler implements IQueryHandler<ListPersonKeysQuery, PersonKeyResponse[]> {
  constructor(
    @Inject(PERSON_KEY_REPOSITORY) private readonly repo: PersonKeyRepository,
    @Inject(ORGANISATION_REPOSITORY) private readonly orgs: OrganisationRepository,
  ) {}

  async execute({ principal: p, orgId, mine }: ListPersonKeysQuery): Promise<PersonKeyResponse[]> {
    if (mine && p.org === orgId && p.idp !== undefined)
      return (await this.repo.list(orgId, { issuer: p.idp, sub: p.sub })).map(personKeyResponse);
    const admin = p.orgKind === 'GATEWAY' && hasRole(p, 'gateway-admin');
    // The operator asking about an organisation that does not exist gets the 404 its other
    // routes give, not an empty list.
    if (p.org !== orgId && (!admin || !(await this.orgs.findById(orgId))))
      throw new OrganisationException(OrganisationExceptionCode.NotFound, `Organisation "${orgId}" was not found.`);
    if (!admin && !hasRole(p, 'system'))
      throw new ForbiddenException("Only the organisation's own system lists its people's keys.", 'role_required');
    return (await this.repo.list(orgId)).map(personKeyResponse);
  }
}
