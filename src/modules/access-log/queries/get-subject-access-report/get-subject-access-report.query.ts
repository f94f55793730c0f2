import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { SubjectAccessReport } from '../../application/access-log.search.js';

export class GetSubjectAccessReportQuery extends Query<SubjectAccessReport> {
  constructor(
    readonly principal: Principal,
    readonly crn: string,
    readonly page: { cursor?: number; limit: number },
  ) {
    super();
  }
}
