export { PoliciesModule } from './policies.module.js';
export { PolicyEngine } from './policy-engine.js';
export { PolicyVersions } from './policy-versions.js';
export { PolicyEvaluator, type AgreementTerms, type FieldDecision, type ReadDecision, type Outcome } from './domain/evaluator.js';
export { FIELD_CATEGORIES, fieldsOf, type CaseView } from './domain/fields.js';
export { relationshipsOf, forceOf, RELATIONSHIPS, type ActorFacts, type CaseFacts, type Relationship } from './domain/relationships.js';
export { lineOfPath, loadPolicies, parsePolicyFile, yamlFilesIn } from './infrastructure/policy-loader.js';
export { PolicyFileError, type PolicySet, type PolicyRule } from './domain/policy.js';
