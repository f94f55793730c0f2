import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';

export interface OrganisationKeyHistoryResponse {
  id: string;
  keys: { kid: string; jwk: Record<string, unknown>; addedAt: string; revokedAt: string | null }[];
}

export class GetOrganisationKeysQuery extends Query<OrganisationKeyHistoryResponse> {
  constructor(
    readonly principal: Principal,
    readonly orgId: string,
    readonly at: Date | undefined,
  ) {
    super();
  }
}
