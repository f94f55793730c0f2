import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { PersonKeyResponse } from './person-key.response.js';

/** The personal keys of an organisation (`mine`: only the caller's own, for a signed-in person). */
export class ListPersonKeysQuery extends Query<PersonKeyResponse[]> {
  constructor(
    readonly principal: Principal,
    readonly orgId: string,
    readonly mine = false,
  ) {
    super();
  }
}
