import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { Purpose } from '@shared/domain/vocabulary.js';
import type { CaseView } from '@modules/policies/index.js';

export type ReadCaseResult = Record<string, unknown> & { fieldsWithheld: string[]; accessLogIndex: number };

/**
 * A read of case data for a stated purpose. It writes one access-log entry (allowed or denied)
 * before anything is returned; that entry is the only thing it writes.
 */
export class ReadCaseQuery extends Query<ReadCaseResult> {
  constructor(
    readonly principal: Principal,
    readonly crn: string,
    readonly purpose: Purpose,
    readonly view: CaseView,
  ) {
    super();
  }
}
