import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccessLogModule } from '@modules/access-log/index.js';
import { AgreementsModule } from '@modules/agreements/index.js';
import { CasesModule } from '@modules/cases/index.js';
import { OrganisationsModule } from '@modules/organisations/index.js';
import { PeopleModule } from '@modules/people/index.js';
import { ExchangeLog } from './application/exchange-log.js';
import { ExchangeRelease } from './application/exchange-release.js';
import { SubmissionAssessor } from './application/submission-assessment.js';
import { DecideExchangeRequestHandler } from './commands/decide-exchange-request/decide-exchange-request.handler.js';
import { SubmitExchangeRequestHandler } from './commands/submit-exchange-request/submit-exchange-request.handler.js';
import { ExchangeController } from './exchange.controller.js';
import { IncomingRequestsController } from './http/incoming-requests.controller.js';
import { OwnRequestsController } from './http/own-requests.controller.js';
import { ResponseReceipts } from './application/response-receipt.js';
import { PreviewExchangeReleaseHandler } from './queries/preview-exchange-release/preview-exchange-release.handler.js';
import { ExchangeRequestRepository } from './domain/exchange-request.repository.port.js';
import { PgExchangeRequestRepository } from './infrastructure/pg-exchange-request.repository.js';
import { ExchangeDeadlineWatcher } from './exchange-deadline.watcher.js';
import { OverdueRequestsGauge } from './infrastructure/overdue-requests.gauge.js';
import { RequestSignatureVerifier } from './application/request-signature.verifier.js';
import { GetExchangeRequestHandler } from './queries/get-exchange-request/get-exchange-request.handler.js';
import { GetExchangeResponseHandler } from './queries/get-exchange-response/get-exchange-response.handler.js';
import { ListExchangeRequestsHandler } from './queries/list-exchange-requests/list-exchange-requests.handler.js';
import { RefuseRequestsWhenAgreementEndsHandler } from './reactions/refuse-requests-when-agreement-ends.handler.js';

/**
 * Signed record-exchange requests: submission, decision, signed response bundle, reactions to
 * agreements ending; and the pages for people that decide them and read their answers.
 */
@Module({
  imports: [CqrsModule, AccessLogModule, AgreementsModule, CasesModule, OrganisationsModule, PeopleModule],
  controllers: [ExchangeController, IncomingRequestsController, OwnRequestsController],
  providers: [
    { provide: ExchangeRequestRepository, useClass: PgExchangeRequestRepository },
    RequestSignatureVerifier,
    ExchangeLog,
    ExchangeRelease,
    SubmissionAssessor,
    OverdueRequestsGauge,
    ExchangeDeadlineWatcher,
    SubmitExchangeRequestHandler,
    DecideExchangeRequestHandler,
    ListExchangeRequestsHandler,
    GetExchangeRequestHandler,
    GetExchangeResponseHandler,
    PreviewExchangeReleaseHandler,
    ResponseReceipts,
    RefuseRequestsWhenAgreementEndsHandler,
  ],
})
export class ExchangeModule {}
