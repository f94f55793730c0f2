import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ORGANISATION_REPOSITORY, type OrganisationRepository } from '../../domain/organisation.repository.port.js';
import { ListOrganisationsQuery } from './list-organisations.query.js';
import type { OrganisationResponse } from './organisation.response.js';

/** The registry is public to every authenticated partner: knowing who takes part is not sensitive. */
@QueryHandler(ListOrganisationsQuery)
export class ListOrganisationsHandler implements IQueryHandler<ListOrganisationsQuery, OrganisationResponse[]> {
  constructor(@Inject(ORGANISATION_REPOSITORY) private readonly repo: OrganisationRepository) {}

  async execute(): Promise<OrganisationResponse[]> {
    return (await this.repo.list()).map((o) => ({
      id: o.id,
      kind: o.kind,
      name: o.name,
      region: o.region,
      status: o.status,
    }));
  }
}
