import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccessLogModule } from '@modules/access-log/index.js';
import { OrganisationsModule } from '@modules/organisations/index.js';
import { AgreementAudit } from './agreement-audit.js';
import { AgreementBootstrap } from './agreement.bootstrap.js';
import { AgreementChanges } from './agreement-changes.js';
import { AgreementCoverage } from './agreement-coverage.js';
import { AgreementExpiryWatcher } from './agreement-expiry.watcher.js';
import { AgreementsController } from './agreements.controller.js';
import { AmendAgreementHandler } from './commands/amend-agreement/amend-agreement.handler.js';
import { DraftAgreementHandler } from './commands/draft-agreement/draft-agreement.handler.js';
import { ResumeAgreementHandler } from './commands/resume-agreement/resume-agreement.handler.js';
import { SignAgreementHandler } from './commands/sign-agreement/sign-agreement.handler.js';
import { SubmitAgreementHandler } from './commands/submit-agreement/submit-agreement.handler.js';
import { SuspendAgreementHandler } from './commands/suspend-agreement/suspend-agreement.handler.js';
import { TerminateAgreementHandler } from './commands/terminate-agreement/terminate-agreement.handler.js';
import { AGREEMENT_REPOSITORY } from './domain/agreement.repository.port.js';
import { PgAgreementRepository } from './infrastructure/pg-agreement.repository.js';
import { GetAgreementHandler } from './queries/get-agreement/get-agreement.handler.js';
import { GetAgreementDocumentHandler } from './queries/get-agreement-document/get-agreement-document.handler.js';
import { GetAgreementVersionHandler } from './queries/get-agreement-version/get-agreement-version.handler.js';
import { ListAgreementVersionsHandler } from './queries/list-agreement-versions/list-agreement-versions.handler.js';
import { ListAgreementsHandler } from './queries/list-agreements/list-agreements.handler.js';

@Module({
  imports: [CqrsModule, OrganisationsModule, AccessLogModule],
  controllers: [AgreementsController],
  providers: [
    { provide: AGREEMENT_REPOSITORY, useClass: PgAgreementRepository },
    AgreementAudit,
    AgreementChanges,
    AgreementCoverage,
    AgreementExpiryWatcher,
    AgreementBootstrap,
    DraftAgreementHandler,
    AmendAgreementHandler,
    SubmitAgreementHandler,
    SignAgreementHandler,
    SuspendAgreementHandler,
    ResumeAgreementHandler,
    TerminateAgreementHandler,
    GetAgreementHandler,
    ListAgreementsHandler,
    GetAgreementDocumentHandler,
    GetAgreementVersionHandler,
    ListAgreementVersionsHandler,
  ],
  exports: [AgreementCoverage, AgreementBootstrap, AgreementExpiryWatcher],
})
export class AgreementsModule {}
