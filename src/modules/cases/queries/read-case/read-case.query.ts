import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { Purpose } from '@shared/domain/vocabulary.js';
import type { CaseView } from '@modules/policies/index.js';

export type ReadCaseResult = Record<string, unknown> & {
  fieldsWithheld: string[];
  accessLogIndex: number;
  /** Only when the query asked for it (pages, never the API): why each withheld field was withheld. */
  withheldBecause?: WithheldBecause[];
};

/**
 * Why a field was withheld: no policy rule releases it to these roles for this purpose
 * (`policy`); a rule does, but no active agreement covers its data category (`agreement`); or
 * the agreement names a special category without the condition it needs (`condition`).
 */
export interface WithheldBecause {
  field: string;
  because: 'policy' | 'agreement' | 'condition';
}

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
    /** Also answer `withheldBecause` (for pages that explain the withholding in plain words). */
    readonly explainWithheld = false,
  ) {
    super();
  }
}
