import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { OrganisationException, OrganisationExceptionCode } from '../../domain/organisation.exception.js';
import { ORGANISATION_REPOSITORY, type OrganisationRepository } from '../../domain/organisation.repository.port.js';
import { PERSON_KEY_REPOSITORY, type PersonKeyRepository } from '../../domain/person-key.repository.port.js';
import { GetOrganisationKeysQuery, type OrganisationKeyHistoryResponse } from './get-organisation-keys.query.js';

/**
 * The key history of an organisation (public keys only), optionally as it stood at an instant:
 * what a verifier needs to re-check a signature made back then. Approved personal keys are
 * listed too (from their approval), as they verify its people's signatures; pending ones are not.
 */
@QueryHandler(GetOrganisationKeysQuery)
export class GetOrganisationKeysHandler implements IQueryHandler<
  GetOrganisationKeysQuery,
  OrganisationKeyHistoryResponse
> {
  constructor(
    @Inject(ORGANISATION_REPOSITORY) private readonly repo: OrganisationRepository,
    @Inject(PERSON_KEY_REPOSITORY) private readonly personKeys: PersonKeyRepository,
  ) {}

  async execute({ orgId, at }: GetOrganisationKeysQuery): Promise<OrganisationKeyHistoryResponse> {
    const org = await this.repo.findById(orgId);
    if (!org)
      throw new OrganisationException(OrganisationExceptionCode.NotFound, `Organisation "${orgId}" was not found.`);
    const personal = (await this.personKeys.list(orgId)).flatMap((k) =>
      k.approvedAt ? [{ kid: k.kid, jwk: k.jwk, addedAt: k.approvedAt, revokedAt: k.revokedAt }] : [],
    );
    const keys = [...org.keys, ...personal].filter(
      (k) => !at || (k.addedAt <= at && (k.revokedAt === null || k.revokedAt > at)),
    );
    return {
      id: org.id,
      keys: keys.map((k) => ({
        kid: k.kid,
        jwk: { ...k.jwk },
        addedAt: k.addedAt.toISOString(),
        revokedAt: k.revokedAt?.toISOString() ?? null,
      })),
    };
  }
}
