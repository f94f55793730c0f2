import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FORM } from '@shared/http/form-body.js';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import { Consumes } from '@shared/http/consumes.js';
import { SignedInPeople, type SignedInPerson } from '@modules/people/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { DecideExchangeRequestCommand } from '../commands/decide-exchange-request/decide-exchange-request.command.js';
import { ExchangeException, ExchangeExceptionCode } from '../domain/exchange.exception.js';
import { queueOrder } from '../domain/decision-queue.js';
import type { ExchangeRequestResponse } from '../queries/exchange-request.response.js';
import { GetExchangeRequestQuery } from '../queries/get-exchange-request/get-exchange-request.query.js';
import { ListExchangeRequestsQuery } from '../queries/list-exchange-requests/list-exchange-requests.query.js';
import { PreviewExchangeReleaseQuery } from '../queries/preview-exchange-release/preview-exchange-release.query.js';
import { PageKit, UUID } from './page-kit.js';
import { FIELD_WORDS } from '@shared/domain/plain-words.js';
import { words } from './plain-words.js';
import { namesOf, requestView } from './request-view.js';

const QUEUE = { href: '/requests/incoming', text: 'Back to requests to decide' };
/** The roles of POST /exchange-requests/{id}/decision, which these pages stand in for. */
const DECIDERS = ['data-owner'] as const;
/** Most open requests one queue page lists (URGENT and nearest deadlines first). */
const QUEUE_MAX = 1000;
const REASON_MAX = 1000;

interface DecisionForm {
  decision?: string;
  reason?: string;
}

interface FieldError {
  field: 'decision' | 'reason';
  text: string;
}

/**
 * The data owner's pages: the queue of requests for their organisation's information, and one
 * request with what approving it would release, to approve or refuse with a reason. They send the
 * API's own queries and DecideExchangeRequestCommand with the person's principal, so every rule
 * and access-log entry is the API's (POST /exchange-requests/{id}/decision).
 */
@Public()
@ApiExcludeController()
@Controller('requests/incoming')
export class IncomingRequestsController {
  private readonly kit: PageKit;

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly directory: OrganisationDirectory,
    people: SignedInPeople,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.kit = new PageKit(config.demo, people);
  }

  @Get()
  async queue(@Req() req: FastifyRequest, @Query('decided') decided: unknown, @Res() reply: FastifyReply) {
    const person = await this.kit.person(req, reply, DECIDERS);
    if (!person) return;
    const p = person.principal();
    const open: ExchangeRequestResponse[] = [];
    for (const status of ['SUBMITTED', 'APPROVED'] as const) {
      let cursor: string | undefined;
      do {
        const page = await this.queries.execute(
          new ListExchangeRequestsQuery(p, { direction: 'incoming', status, limit: 200, cursor }),
        );
        open.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && open.length < QUEUE_MAX);
    }
    const banner = typeof decided === 'string' && UUID.test(decided) ? await this.outcome(p, decided) : null;
    const ordered = queueOrder(open).slice(0, QUEUE_MAX);
    const names = await namesOf(this.directory, [...ordered.map((r) => r.requester), ...(banner ? [banner.org] : [])]);
    const now = new Date();
    this.kit.send(reply, 200, 'incoming-queue.njk', {
      title: 'Requests to decide',
      organisation: person.session.orgName,
      requests: ordered.map((r) => requestView(r, names, now)),
      banner: banner ? { ...banner, org: names.get(banner.org) ?? banner.org } : null,
    });
  }

  @Get(':id')
  async request(@Req() req: FastifyRequest, @Param('id') id: string, @Res() reply: FastifyReply) {
    const person = await this.kit.person(req, reply, DECIDERS);
    if (!person) return;
    await this.show(reply, person, id, 200, {}, []);
  }

  @Post(':id')
  @Consumes(FORM)
  async decide(@Req() req: FastifyRequest, @Param('id') id: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    const person = await this.kit.person(req, reply, DECIDERS);
    if (!person) return;
    if (!person.formCameFromSession(body)) {
      this.kit.formNotFromSession(reply, {
        href: UUID.test(id) ? `/requests/incoming/${id}` : '/requests/incoming',
        text: 'Open the request again',
      });
      return;
    }
    const form = (body ?? {}) as DecisionForm;
    const errors = validate(form);
    if (errors.length) {
      await this.show(reply, person, id, 400, form, errors);
      return;
    }
    try {
      await this.commands.execute(
        new DecideExchangeRequestCommand(
          person.principal(),
          id,
          form.decision as 'APPROVE' | 'REFUSE',
          (form.reason ?? '').trim(),
        ),
      );
    } catch (e) {
      if (!(e instanceof ExchangeException)) throw e;
      if (
        ExchangeException.is(
          e,
          ExchangeExceptionCode.NotDecidable,
          ExchangeExceptionCode.CaseNotHeld,
          ExchangeExceptionCode.CaseRestricted,
        )
      ) {
        await this.show(reply, person, id, 409, form, [{ field: 'decision', text: e.detail }]);
        return;
      }
      // The requester's data owner may not decide either: the same page as the GET gives it, and
      // as an unknown id (DecisionForbidden would tell it a colleague's request is there).
      if (ExchangeException.is(e, ExchangeExceptionCode.NotFound, ExchangeExceptionCode.DecisionForbidden))
        return this.kit.notFound(reply, QUEUE);
      throw e;
    }
    await reply.header('cache-control', 'no-store').redirect(`/requests/incoming?decided=${id}`, 303);
  }

  /** The request page: the request, what approving would release now, and the decision form. */
  private async show(
    reply: FastifyReply,
    person: SignedInPerson,
    id: string,
    status: number,
    form: DecisionForm,
    errors: FieldError[],
  ): Promise<void> {
    if (!UUID.test(id)) return this.kit.notFound(reply, QUEUE);
    const p = person.principal();
    let found: ExchangeRequestResponse;
    try {
      found = await this.queries.execute(new GetExchangeRequestQuery(p, id));
    } catch (e) {
      if (ExchangeException.is(e, ExchangeExceptionCode.NotFound)) return this.kit.notFound(reply, QUEUE);
      throw e;
    }
    // Incoming only: the requesting side's data owner decides nothing here.
    if (found.provider !== p.org) return this.kit.notFound(reply, QUEUE);
    const preview = await this.queries.execute(new PreviewExchangeReleaseQuery(p, id));
    const names = await namesOf(this.directory, [found.requester, found.provider, found.decidedBy?.org ?? 'gateway']);
    this.kit.send(reply, status, 'incoming-request.njk', {
      title: `Request about ${found.crn}`,
      request: requestView(found, names, new Date()),
      preview:
        preview.kind === 'release'
          ? {
              ...preview,
              released: preview.released.map((f) => ({
                text: words(FIELD_WORDS, f),
                held: preview.held.includes(f),
              })),
              withheld: preview.withheld.map((f) => words(FIELD_WORDS, f)),
            }
          : preview,
      form: { decision: form.decision ?? '', reason: form.reason ?? '' },
      errors: errors.map((e) => ({ text: e.text, href: `#${e.field}` })),
      errorOf: Object.fromEntries(errors.map((e) => [e.field, { text: e.text }])),
      formToken: person.formToken,
      reasonMax: REASON_MAX,
    });
  }

  /** What became of a request just decided, for the queue's notification banner. */
  private async outcome(p: Principal, id: string) {
    try {
      const r = await this.queries.execute(new GetExchangeRequestQuery(p, id));
      if (r.provider !== p.org || r.status === 'SUBMITTED') return null;
      return {
        status: r.status,
        crn: r.crn,
        org: r.requester,
        reason: r.reason,
        byGateway: r.decidedBy?.org === 'gateway' || r.status === 'EXPIRED',
        logIndex: r.releaseLogIndex,
      };
    } catch (e) {
      if (e instanceof ExchangeException) return null;
      throw e;
    }
  }
}

function validate(form: DecisionForm): FieldError[] {
  const errors: FieldError[] = [];
  if (form.decision !== 'APPROVE' && form.decision !== 'REFUSE')
    errors.push({ field: 'decision', text: 'Select whether you approve or refuse the request' });
  const reason = (form.reason ?? '').trim();
  if (!reason) errors.push({ field: 'reason', text: 'Enter the reason for your decision' });
  else if ((form.reason ?? '').length > REASON_MAX)
    errors.push({ field: 'reason', text: `The reason must be ${REASON_MAX} characters or fewer` });
  return errors;
}
