/** The access log's public surface: other modules import only from here. */
export { AccessLogModule } from './access-log.module.js';
export {
  AccessLogWriter,
  intentOfChangeSql,
  type LogIntent,
  type PendingIntent,
  type TransactionSql,
} from './application/access-log.writer.js';
export {
  AccessLogSearch,
  type AccessLogPage,
  type EntryRead,
  type SubjectAccessReport,
  type SubjectAccess,
} from './application/access-log.search.js';
export { hiddenReasons, NOT_FOUND, type EntryView, type Pruning } from './domain/entry-view.js';
export { AccessLogProofs, type InclusionProof, type ConsistencyProof } from './application/access-log.proofs.js';
export { CheckpointService } from './application/checkpoint.service.js';
export { LogPruner, type LogPruning } from './application/log-pruner.js';
export { LogNotes, type Witnessing } from './application/log-notes.js';
export type { AccessLogEntryInput, AccessLogReceipt, StoredAccessLogEntry } from './domain/access-log-entry.js';
export type { AccessLogFilter } from './domain/access-log-reader.port.js';
export { AccessLogSearchDto } from './queries/search-access-log/access-log-search.dto.js';
export { SubjectAccessReportQueryDto } from './queries/get-subject-access-report/subject-access-report.dto.js';
export { InclusionProofQueryDto } from './queries/get-inclusion-proof/inclusion-proof.dto.js';
export { CRN, ORG_ID, SIZE, CrnParam, EntryIndexParam } from './access-log.params.js';
export { csvRecords } from './application/access-log.csv.js';
export { ACCESS_LOG_UNAVAILABLE } from './domain/access-log.exception.js';
export { CHECKPOINT_TYPE, checkpointPayload, type SignedCheckpoint, type CheckpointBody } from './domain/checkpoint.js';
export { InvalidAccessLogEntryError } from './domain/prepared-entry.js';
