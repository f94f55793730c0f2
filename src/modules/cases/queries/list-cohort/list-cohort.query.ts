import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { Purpose } from '@shared/domain/vocabulary.js';

/**
 * A member of an IOM cohort as the caller may see them for the purpose: `roshLevel` (the overall
 * RoSH level) and `assessedAt` (when the latest assessment was completed) are absent where the
 * policy or the agreements withhold them, and then named in `fieldsWithheld` (as `rosh`, `assessedAt`).
 */
export interface CohortMember {
  crn: string;
  managingOrg: string;
  maySeeSummary: boolean;
  roshLevel?: string;
  assessedAt?: string | null;
  fieldsWithheld: string[];
}

export interface CohortResponse {
  force: string;
  purpose: Purpose;
  members: CohortMember[];
}

/** GET /cohorts/{force}/members and the cohort page; writes the listing's access-log entries before it answers. */
export class ListCohortQuery extends Query<CohortResponse> {
  constructor(
    readonly principal: Principal,
    readonly force: string,
    readonly purpose: Purpose,
  ) {
    super();
  }
}
