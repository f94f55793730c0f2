import { Body, Controller, Get, HttpCode, Param, Post, Query as Q, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, ReadsWithClaim, Roles } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import { Consumes } from '@shared/http/consumes.js';
import { ApiSignedRoute } from '@shared/http/api-problems.js';
import { CASE_CLAIM_READ } from '@modules/cases/index.js';
import { DecideExchangeRequestCommand } from './commands/decide-exchange-request/decide-exchange-request.command.js';
import {
  DecideExchangeRequestDto,
  ExchangeRequestIdParam,
} from './commands/decide-exchange-request/decide-exchange-request.dto.js';
import { SubmitExchangeRequestCommand } from './commands/submit-exchange-request/submit-exchange-request.command.js';
import { ExchangeRequestPage, ExchangeRequestResponse } from './queries/exchange-request.response.js';
import { GetExchangeRequestQuery } from './queries/get-exchange-request/get-exchange-request.query.js';
import { GetExchangeResponseQuery } from './queries/get-exchange-response/get-exchange-response.query.js';
import { ListExchangeRequestsDto } from './queries/list-exchange-requests/list-exchange-requests.dto.js';
import { ListExchangeRequestsQuery } from './queries/list-exchange-requests/list-exchange-requests.query.js';
import { JoseBody } from './jose-body.decorator.js';
import { EXCHANGE_REQUEST_CLAIM_READ } from './domain/exchange-request.repository.port.js';
import { unverifiedClaims } from './domain/request-document.js';

interface Reply {
  header(name: string, value: string): Reply;
}

/** Roles that ask for, decide or review exchanges (a signatory or the operator's admin has no business here). */
const EXCHANGE_ROLES = [
  'system',
  'offender-manager',
  'iom-officer',
  'mappa-coordinator',
  'data-owner',
  'ig-reviewer',
] as const;

@ApiTags('exchange-requests')
@Controller('exchange-requests')
export class ExchangeController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  // The key is the crn as sent, unverified: the submission uses the row only for the crn it verified.
  @ReadsWithClaim(CASE_CLAIM_READ, (req) => unverifiedClaims(String(req.rawBody ?? ''))?.crn)
  @Consumes('application/jose')
  @Roles('system', 'offender-manager', 'iom-officer', 'mappa-coordinator', 'data-owner')
  @ApiOperation({
    summary: 'Submit a signed record-exchange request',
    description:
      'Body: a compact JWS (typ exchange-request+jwt, ES256 or EdDSA, kid of a registered key) by the requesting organisation over ' +
      '{ iss, iat, jti, provider, crn, purpose, dataCategories, justification, urgency, agreementId }. The bearer token must be of the ' +
      'same organisation (403 otherwise); a JWS already submitted is 409; a bad signature or claim is 400. A request the named agreement ' +
      'does not cover is created REFUSED with the reason; one the policies already allow is FULFILLED at once; others wait, SUBMITTED.',
  })
  @ApiConsumes('application/jose')
  @ApiBody({
    schema: {
      type: 'string',
      example: 'eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiIsInR5cCI6ImV4Y2hhbmdlLXJlcXVlc3Qrand0In0.eyJ...',
    },
  })
  @ApiCreatedResponse({ description: '{ id, status, dueBy, reason? }' })
  @ApiSignedRoute(400, 403, 409, 413, 415)
  async submit(@CurrentPrincipal() p: Principal, @JoseBody() body: string, @Res({ passthrough: true }) reply: Reply) {
    const r = await this.commands.execute(new SubmitExchangeRequestCommand(p, body));
    reply.header('location', `/exchange-requests/${r.id}`);
    return r;
  }

  @Get()
  @Roles(...EXCHANGE_ROLES)
  @ApiOperation({
    summary: "Your organisation's exchange requests, newest first: incoming (you are the provider) and/or outgoing",
  })
  @ApiOkResponse({ type: ExchangeRequestPage })
  @ApiSignedRoute(400, 403)
  list(@CurrentPrincipal() p: Principal, @Q() filter: ListExchangeRequestsDto): Promise<ExchangeRequestPage> {
    return this.queries.execute(new ListExchangeRequestsQuery(p, filter));
  }

  @Get(':id')
  @ReadsWithClaim(EXCHANGE_REQUEST_CLAIM_READ, 'id')
  @Roles(...EXCHANGE_ROLES)
  @ApiOperation({ summary: 'One exchange request, with its JWS exactly as received (either party)' })
  @ApiOkResponse({ type: ExchangeRequestResponse })
  @ApiSignedRoute(400, 403, 404)
  get(@CurrentPrincipal() p: Principal, @Param() { id }: ExchangeRequestIdParam): Promise<ExchangeRequestResponse> {
    return this.queries.execute(new GetExchangeRequestQuery(p, id));
  }

  @Post(':id/decision')
  @HttpCode(200)
  @Roles('data-owner')
  @ApiOperation({
    summary: "Approve or refuse a request (the provider's data-owner)",
    description:
      'APPROVE releases at once the fields of the requested categories that the named agreement covers, as the case stands now; ' +
      'if the agreement is no longer in force the request is REFUSED (or EXPIRED) instead. Sending APPROVE again retries a release that failed.',
  })
  @ApiOkResponse({ description: '{ id, status, reason }' })
  @ApiSignedRoute(400, 403, 404, 409)
  decide(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: ExchangeRequestIdParam,
    @Body() dto: DecideExchangeRequestDto,
  ) {
    return this.commands.execute(new DecideExchangeRequestCommand(p, id, dto.decision, dto.reason));
  }

  @Get(':id/response')
  @ReadsWithClaim(EXCHANGE_REQUEST_CLAIM_READ, 'id')
  @Roles(...EXCHANGE_ROLES)
  @ApiOperation({
    summary: 'The signed response bundle (the requesting organisation only)',
    description:
      'application/jose: a JWS (typ exchange-response+jwt) by the gateway key of /.well-known/jwks.json over { requestId, crn, purpose, agreementId, ' +
      'agreementVersion, data, fieldsWithheld, issuedAt, retainUntil, receipt: { index, leafHash, timestamp } }; the same bytes on every fetch. Each fetch is logged.',
  })
  @ApiProduces('application/jose')
  @ApiOkResponse({ description: 'compact JWS', schema: { type: 'string' } })
  @ApiSignedRoute(400, 403, 404, 409)
  async response(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: ExchangeRequestIdParam,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<string> {
    const jws = await this.queries.execute(new GetExchangeResponseQuery(p, id));
    reply.header('content-type', 'application/jose').header('cache-control', 'no-store');
    return jws;
  }
}
