import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { AgreementVersionResponse } from './agreement-version.response.js';

export class GetAgreementVersionQuery extends Query<AgreementVersionResponse> {
  constructor(
    readonly principal: Principal,
    readonly id: string,
    readonly version: number,
  ) {
    super();
  }
}
