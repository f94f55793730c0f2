import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { AgreementVersionSummaryResponse } from '../get-agreement-version/agreement-version.response.js';

export class ListAgreementVersionsQuery extends Query<AgreementVersionSummaryResponse[]> {
  constructor(
    readonly principal: Principal,
    readonly id: string,
  ) {
    super();
  }
}
