export { CasesModule } from './cases.module.js';
export { CaseAccess, type LoadedDecision } from './case-access.service.js';
export { CaseRepository } from './domain/case.repository.port.js';
export { project } from './domain/projection.js';
export { CaseEscalatedEvent } from './domain/case-escalated.event.js';
export { CaseTransferredEvent } from './domain/case-transferred.event.js';
export * from './domain/case.types.js';
