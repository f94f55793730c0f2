import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { RetentionReportResponse } from './retention-report.response.js';

export class GetRetentionReportQuery extends Query<RetentionReportResponse> {
  constructor(
    readonly principal: Principal,
    readonly at: Date,
  ) {
    super();
  }
}
