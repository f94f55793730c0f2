import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccessLogModule } from '@modules/access-log/index.js';
import { AgreementsModule } from '@modules/agreements/index.js';
import { OrganisationsModule } from '@modules/organisations/index.js';
import { PoliciesModule } from '@modules/policies/index.js';
import { CaseAccess } from './case-access.service.js';
import { CasesController } from './cases.controller.js';
import { PeopleSearchController } from './people-search.controller.js';
import { AcceptTransferHandler } from './commands/accept-transfer/accept-transfer.handler.js';
import { RecordAssessmentHandler } from './commands/record-assessment/record-assessment.handler.js';
import { RequestTransferHandler } from './commands/request-transfer/request-transfer.handler.js';
import { EraseCaseHandler } from './commands/erase-case/erase-case.handler.js';
import { RectifyCaseHandler } from './commands/rectify-case/rectify-case.handler.js';
import { RestrictCaseHandler } from './commands/restrict-case/restrict-case.handler.js';
import { UpsertCaseHandler } from './commands/upsert-case/upsert-case.handler.js';
import { CaseRepository } from './domain/case.repository.port.js';
import { PgCaseRepository } from './infrastructure/pg-case.repository.js';
import { ExplainDecisionHandler } from './queries/explain-decision/explain-decision.handler.js';
import { ListEscalationsHandler } from './queries/list-escalations/list-escalations.handler.js';
import { ReadCaseHandler } from './queries/read-case/read-case.handler.js';
import { SearchPeopleHandler } from './queries/search-people/search-people.handler.js';
import { ListCohortHandler } from './queries/list-cohort/list-cohort.handler.js';

@Module({
  imports: [CqrsModule, AccessLogModule, AgreementsModule, OrganisationsModule, PoliciesModule],
  controllers: [CasesController, PeopleSearchController],
  providers: [
    { provide: CaseRepository, useClass: PgCaseRepository },
    CaseAccess,
    UpsertCaseHandler,
    RecordAssessmentHandler,
    RequestTransferHandler,
    AcceptTransferHandler,
    RectifyCaseHandler,
    EraseCaseHandler,
    RestrictCaseHandler,
    ReadCaseHandler,
    ExplainDecisionHandler,
    ListEscalationsHandler,
    SearchPeopleHandler,
    ListCohortHandler,
  ],
  exports: [CaseAccess, CaseRepository],
})
export class CasesModule {}
