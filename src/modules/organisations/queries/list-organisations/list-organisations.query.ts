import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { OrganisationResponse } from './organisation.response.js';

export class ListOrganisationsQuery extends Query<OrganisationResponse[]> {
  constructor(readonly principal: Principal) {
    super();
  }
}
