import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { AgreementStatus } from '../../domain/agreement-terms.js';
import type { AgreementResponse } from '../get-agreement/agreement.response.js';

export class ListAgreementsQuery extends Query<AgreementResponse[]> {
  constructor(
    readonly principal: Principal,
    readonly filter: { status?: AgreementStatus; party?: string },
  ) {
    super();
  }
}
