import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccessLogController } from './access-log.controller.js';
import { AccessLogLifecycle, sequencerProvider } from './access-log.providers.js';
import { AccessLogProofs } from './application/access-log.proofs.js';
import { AccessLogSearch } from './application/access-log.search.js';
import { AccessLogWriter } from './application/access-log.writer.js';
import { CheckpointService } from './application/checkpoint.service.js';
import { LogIntentSweeper } from './application/log-intent.sweeper.js';
import { LogPruner } from './application/log-pruner.js';
import { CreateCheckpointHandler } from './commands/create-checkpoint/create-checkpoint.handler.js';
import { AccessLogRepository } from './infrastructure/access-log.repository.js';
import { AccessLogReader } from './domain/access-log-reader.port.js';
import { WitnessStore } from './domain/witness-store.port.js';
import { ExportAccessLogHandler } from './queries/export-access-log/export-access-log.handler.js';
import { GetAccessLogEntryHandler } from './queries/get-access-log-entry/get-access-log-entry.handler.js';
import { GetCheckpointHandler } from './queries/get-checkpoint/get-checkpoint.handler.js';
import { GetConsistencyProofHandler } from './queries/get-consistency-proof/get-consistency-proof.handler.js';
import { GetInclusionProofHandler } from './queries/get-inclusion-proof/get-inclusion-proof.handler.js';
import { GetSubjectAccessReportHandler } from './queries/get-subject-access-report/get-subject-access-report.handler.js';
import { SearchAccessLogHandler } from './queries/search-access-log/search-access-log.handler.js';
import { SubjectAccessReportController } from './subject-access-report.controller.js';
import { LogController } from './log.controller.js';
import { LogNotes } from './application/log-notes.js';
import { LogTiles } from './application/log-tiles.js';
import { WitnessCoordinator } from './application/witness-coordinator.js';
import { WitnessRepository } from './infrastructure/witness.repository.js';
import { logNoteSignerProvider } from './access-log.providers.js';

/**
 * The append-only Merkle access log. Depends on no feature module; feature modules import it
 * (through index.ts) for AccessLogWriter.
 */
@Module({
  imports: [CqrsModule],
  controllers: [AccessLogController, SubjectAccessReportController, LogController],
  providers: [
    sequencerProvider,
    AccessLogWriter,
    AccessLogLifecycle,
    LogIntentSweeper,
    LogPruner,
    { provide: AccessLogReader, useClass: AccessLogRepository },
    AccessLogSearch,
    AccessLogProofs,
    CheckpointService,
    CreateCheckpointHandler,
    SearchAccessLogHandler,
    ExportAccessLogHandler,
    GetAccessLogEntryHandler,
    GetInclusionProofHandler,
    GetConsistencyProofHandler,
    GetCheckpointHandler,
    GetSubjectAccessReportHandler,
    logNoteSignerProvider,
    LogNotes,
    LogTiles,
    { provide: WitnessStore, useClass: WitnessRepository },
    WitnessCoordinator,
  ],
  exports: [AccessLogWriter, AccessLogSearch, AccessLogProofs, CheckpointService, LogNotes, LogPruner],
})
export class AccessLogModule {}
