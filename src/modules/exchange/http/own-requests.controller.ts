import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import { ValidationException } from '@shared/errors/index.js';
import { SignedInPeople } from '@modules/people/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { ResponseReceipts } from '../application/response-receipt.js';
import { ExchangeException, ExchangeExceptionCode } from '../domain/exchange.exception.js';
import type { ExchangeRequestPage, ExchangeRequestResponse } from '../queries/exchange-request.response.js';
import { GetExchangeRequestQuery } from '../queries/get-exchange-request/get-exchange-request.query.js';
import { GetExchangeResponseQuery } from '../queries/get-exchange-response/get-exchange-response.query.js';
import { ListExchangeRequestsQuery } from '../queries/list-exchange-requests/list-exchange-requests.query.js';
import { PageKit, UUID } from './page-kit.js';
import { FIELD_WORDS, ukTime } from '@shared/domain/plain-words.js';
import { words } from './plain-words.js';
import { releasedRows } from './released-data.js';
import { namesOf, requestView } from './request-view.js';

/** The roles that ask for information through these pages (of the API's exchange roles). */
const ASKERS = ['iom-officer', 'offender-manager'] as const;
const LIST = { href: '/requests', text: 'Back to your requests' };
const PAGE_SIZE = 25;

/**
 * An officer's or offender manager's own requests for information: the list of those they
 * submitted (GET /exchange-requests?direction=outgoing&submittedBy=<their sub>), and one request
 * with, once answered, the response (GET /exchange-requests/{id}/response, logged as the API logs
 * it) shown with its receipt verified as its recipient would verify it.
 */
@Public()
@ApiExcludeController()
@Controller('requests')
export class OwnRequestsController {
  private readonly kit: PageKit;

  constructor(
    private readonly queries: QueryBus,
    private readonly directory: OrganisationDirectory,
    private readonly receipts: ResponseReceipts,
    people: SignedInPeople,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.kit = new PageKit(config.demo, people);
  }

  @Get()
  async list(@Req() req: FastifyRequest, @Query('cursor') cursor: unknown, @Res() reply: FastifyReply) {
    const person = await this.kit.person(req, reply, ASKERS);
    if (!person) return;
    const p = person.principal();
    const ask = (after?: string): Promise<ExchangeRequestPage> =>
      this.queries.execute(
        new ListExchangeRequestsQuery(p, {
          direction: 'outgoing',
          submittedBy: p.sub,
          limit: PAGE_SIZE,
          cursor: after,
        }),
      );
    let page: ExchangeRequestPage;
    try {
      page = await ask(typeof cursor === 'string' && cursor ? cursor : undefined);
    } catch (e) {
      // A cursor that is not one of this list's: its first page.
      if (!(e instanceof ValidationException)) throw e;
      page = await ask();
    }
    const names = await namesOf(
      this.directory,
      page.items.map((r) => r.provider),
    );
    const now = new Date();
    this.kit.send(reply, 200, 'own-requests.njk', {
      title: 'Your requests for information',
      organisation: person.session.orgName,
      requests: page.items.map((r) => requestView(r, names, now)),
      next: page.nextCursor ? `/requests?cursor=${encodeURIComponent(page.nextCursor)}` : null,
      first: typeof cursor === 'string' && cursor !== '',
    });
  }

  @Get(':id')
  async request(@Req() req: FastifyRequest, @Param('id') id: string, @Res() reply: FastifyReply) {
    const person = await this.kit.person(req, reply, ASKERS);
    if (!person) return;
    if (!UUID.test(id)) return this.kit.notFound(reply, LIST);
    const p = person.principal();
    let found: ExchangeRequestResponse;
    try {
      found = await this.queries.execute(new GetExchangeRequestQuery(p, id));
    } catch (e) {
      if (ExchangeException.is(e, ExchangeExceptionCode.NotFound)) return this.kit.notFound(reply, LIST);
      throw e;
    }
    // "Your requests": the person's own, as the list shows them. A colleague's request, or one
    // addressed to this organisation (the data owner's pages), is the same 404 as an unknown id;
    // and the response below is read for the reason this person gave, never another's.
    if (found.requester !== p.org || found.submittedBy !== p.sub) return this.kit.notFound(reply, LIST);
    const names = await namesOf(this.directory, [found.requester, found.provider, found.decidedBy?.org ?? 'gateway']);
    // The response is the requester's alone, and only once answered: each fetch is a read of
    // case data the API logs (GetExchangeResponseQuery), so the page fetches it only then.
    let response = null;
    if (found.status === 'FULFILLED' && found.requester === p.org) {
      // Read for the reason the request gave, as its asker opens it to see what was released.
      const jws = await this.queries.execute(new GetExchangeResponseQuery(person.principal(found.justification), id));
      const check = await this.receipts.verify(id, jws);
      const orgName = (org: string) => names.get(org) ?? org;
      response = {
        verified: check.ok
          ? {
              kid: check.kid,
              issuedAt: ukTime(check.issuedAt),
              index: check.index,
              treeSize: check.treeSize,
              checkpointAt: ukTime(check.checkpointAt),
              // Checked again by the reader's browser (/assets/web/receipt-check.js).
              evidence: JSON.stringify({ requestId: id, bundle: jws, ...check.evidence }),
            }
          : null,
        failure: check.ok ? null : check.why,
        rows: check.bundle ? releasedRows(check.bundle.data, check.bundle.fieldsReleased, orgName) : [],
        withheld: check.bundle ? check.bundle.fieldsWithheld.map((f) => words(FIELD_WORDS, f)) : [],
        retainUntil: check.bundle ? ukTime(check.bundle.retainUntil) : null,
      };
    }
    this.kit.send(reply, 200, 'own-request.njk', {
      title: `Request about ${found.crn}`,
      request: requestView(found, names, new Date()),
      mine: found.requester === p.org,
      response,
    });
  }
}
