export { RetentionModule } from './retention.module.js';
export { RetentionJob, type RetentionRun } from './application/retention.job.js';
export { RetentionScheduleService } from './retention-schedule.service.js';
export { RETENTION_KINDS, RetentionFileError, type RetentionKind } from './domain/retention-schedule.js';
