export { CasesModule } from './cases.module.js';
export { CaseAccess, type LoadedDecision } from './case-access.service.js';
export { CASE_CLAIM_READ, CaseRepository } from './domain/case.repository.port.js';
export { project } from './domain/projection.js';
export { CaseEscalatedEvent } from './domain/case-escalated.event.js';
export { CaseTransferredEvent } from './domain/case-transferred.event.js';
export * from './domain/case.types.js';
export { personSearchOf, type PersonSearch, type PersonSearchInput } from './domain/person-search.js';
export { ReadCaseQuery, type ReadCaseResult, type WithheldBecause } from './queries/read-case/read-case.query.js';
export {
  SearchPeopleQuery,
  type PersonSearchResponse,
  type PersonSearchResult,
} from './queries/search-people/search-people.query.js';
export { ListCohortQuery, type CohortMember, type CohortResponse } from './queries/list-cohort/list-cohort.query.js';
export { CaseException, CaseExceptionCode } from './domain/case.exception.js';
