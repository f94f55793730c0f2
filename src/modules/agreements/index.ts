export { AgreementsModule } from './agreements.module.js';
export {
  AgreementCoverage,
  type CoverageQuery,
  type CoveringAgreement,
  type Coverage,
  type AgreementSnapshot,
  type ReplayedAgreement,
} from './agreement-coverage.js';
export { AgreementBootstrap, type AgreementTermsInput } from './agreement.bootstrap.js';
export { AgreementExpiryWatcher } from './agreement-expiry.watcher.js';
export { AgreementActivatedEvent } from './domain/agreement-activated.event.js';
export { AgreementAmendedEvent } from './domain/agreement-amended.event.js';
export { AgreementSuspendedEvent } from './domain/agreement-suspended.event.js';
export { AgreementResumedEvent } from './domain/agreement-resumed.event.js';
export { AgreementTerminatedEvent } from './domain/agreement-terminated.event.js';
export { AgreementExpiredEvent } from './domain/agreement-expired.event.js';
export { AGREEMENT_DOCUMENT_TYPE } from './domain/agreement-document.js';
export {
  AGREEMENT_STATUSES,
  PARTY_ROLES,
  type AgreementStatus,
  type PartyRole,
  type Party,
  type SpecialCategory,
} from './domain/agreement-terms.js';
export { nextReviewAfter, reviewDueAt } from './domain/review-schedule.js';
export { ListAgreementsQuery } from './queries/list-agreements/list-agreements.query.js';
export { GetAgreementQuery } from './queries/get-agreement/get-agreement.query.js';
export { GetAgreementVersionQuery } from './queries/get-agreement-version/get-agreement-version.query.js';
export { GetAgreementDocumentQuery } from './queries/get-agreement-document/get-agreement-document.query.js';
export { SignAgreementCommand } from './commands/sign-agreement/sign-agreement.command.js';
export type { AgreementResponse, TermsResponse } from './queries/get-agreement/agreement.response.js';
