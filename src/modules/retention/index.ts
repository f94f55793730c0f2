export { RetentionModule } from './retention.module.js';
export { RetentionJob, type RetentionRun } from './application/retention.job.js';
export { RetentionScheduleService } from './retention-schedule.service.js';
export { RETENTION_KINDS, RetentionFileError, type RetentionKind } from './domain/retention-schedule.js';
export { GetRetentionReportQuery } from './queries/get-retention-report/get-retention-report.query.js';
export { RetentionReportQueryDto } from './queries/get-retention-report/retention-report.dto.js';
export type { RetentionReportResponse as RetentionReport } from './queries/get-retention-report/retention-report.response.js';
