import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { AgreementResponse } from './agreement.response.js';

export class GetAgreementQuery extends Query<AgreementResponse> {
  constructor(
    readonly principal: Principal,
    readonly id: string,
  ) {
    super();
  }
}
