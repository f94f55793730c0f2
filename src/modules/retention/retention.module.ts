import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccessLogModule } from '@modules/access-log/index.js';
import { CasesModule } from '@modules/cases/index.js';
import { RetentionJob } from './application/retention.job.js';
import { RetentionStore } from './domain/retention.store.port.js';
import { PgRetentionStore } from './infrastructure/pg-retention.store.js';
import { GetRetentionReportHandler } from './queries/get-retention-report/get-retention-report.handler.js';
import { RetentionController } from './retention.controller.js';
import { RetentionScheduleService } from './retention-schedule.service.js';

/** The retention schedule, the job that erases what is due, and IG's retention report (issue 18). */
@Module({
  imports: [CqrsModule, AccessLogModule, CasesModule],
  controllers: [RetentionController],
  providers: [
    RetentionScheduleService,
    { provide: RetentionStore, useClass: PgRetentionStore },
    RetentionJob,
    GetRetentionReportHandler,
  ],
  exports: [RetentionJob, RetentionScheduleService],
})
export class RetentionModule {}
