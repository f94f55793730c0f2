/** The access log's public surface: other modules import only from here. */
export { AccessLogModule } from './access-log.module.js';
export { AccessLogWriter } from './application/access-log.writer.js';
export { AccessLogSearch, type AccessLogPage, type SubjectAccessReport, type SubjectAccess } from './application/access-log.search.js';
export { AccessLogProofs, type InclusionProof, type ConsistencyProof } from './application/access-log.proofs.js';
export { CheckpointService } from './application/checkpoint.service.js';
export type { AccessLogEntryInput, AccessLogReceipt, StoredAccessLogEntry } from './domain/access-log-entry.js';
export type { AccessLogFilter } from './infrastructure/access-log.repository.js';
export { AccessLogSearchDto } from './queries/search-access-log/access-log-search.dto.js';
export { ACCESS_LOG_UNAVAILABLE } from './domain/access-log.exception.js';
export { CHECKPOINT_TYPE, checkpointPayload, type SignedCheckpoint, type CheckpointBody } from './domain/checkpoint.js';
export { InvalidAccessLogEntryError } from './domain/prepared-entry.js';
