import type { OrgKind, Role } from '@shared/auth/roles.js';
import type { Purpose } from '@shared/domain/vocabulary.js';
import type { CaseView } from './fields.js';
import type { Relationship } from './relationships.js';

/** One allow rule of a policy file. Everything not allowed by some rule is denied. */
export interface PolicyRule {
  id: string;
  description: string;
  roles: Role[];
  orgKinds: OrgKind[];
  purposes: Purpose[];
  relationship: Relationship;
  views: CaseView[];
  /** Expanded field names (patterns resolved at load). */
  fields: string[];
  /** Where the rule was written, for explanations and errors. */
  source: string;
}

/** All policy files, validated and merged. */
export interface PolicySet {
  /** e.g. "default@2026.11.1" for every file loaded */
  versions: string[];
  rules: PolicyRule[];
}

export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'PolicyFileError';
  }
}
