import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { ExplainDecisionDto } from './explain-decision.dto.js';

export interface ExplainResponse {
  decision: 'ALLOW' | 'DENY';
  outcome: 'allow' | 'not_found' | 'forbidden';
  reasons: string[];
  relationships: string[];
  fields: { field: string; category: string; allowed: boolean; reasons: string[] }[];
  agreement: { id: string; version: number } | null;
  policyVersions: string[];
  /** The content hash of the policy files that decided, as access-log entries name it. */
  policyVersion: string;
}

export class ExplainDecisionQuery extends Query<ExplainResponse> {
  constructor(
    readonly principal: Principal,
    readonly input: ExplainDecisionDto,
  ) {
    super();
  }
}
