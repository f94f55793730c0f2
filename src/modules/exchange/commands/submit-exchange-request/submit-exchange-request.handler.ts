import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import type { Principal } from '@shared/auth/principal.js';
import { OutboxPublisher } from '@shared/events/index.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { ExchangeLog, GATEWAY_ACTOR } from '../../application/exchange-log.js';
import { ExchangeRelease, type ReleaseReady } from '../../application/exchange-release.js';
import { describeRejection } from '../../application/rejection.js';
import { SubmissionAssessor } from '../../application/submission-assessment.js';
import { ExchangeException, ExchangeExceptionCode } from '../../domain/exchange.exception.js';
import { ExchangeRequest } from '../../domain/exchange-request.js';
import {
  decodeRequestJws,
  validateRequestClaims,
  type DecodedRequestJws,
  type ExchangeRequestClaims,
} from '../../domain/request-document.js';
import { DuplicateRequestJti, ExchangeRequestRepository } from '../../domain/exchange-request.repository.port.js';
import { RequestSignatureVerifier } from '../../application/request-signature.verifier.js';
import { SubmitExchangeRequestCommand, type SubmitExchangeRequestResult } from './submit-exchange-request.command.js';
import { exchangeEvents } from '../../application/exchange-events.js';

/**
 * POST /exchange-requests. Needs the token's `reason`; verifies the request JWS (signer = bearer organisation, key active
 * now, fresh), then decides at once what it can (a JWS seen before is refused as a replay when
 * its insert meets the stored one, and nothing of it is stored):
 * - the named agreement does not cover provider, requester, purpose or a category: REFUSED, saying which;
 * - the policies release every requested category to the requester now, for this CRN and
 *   purpose, and the agreement covers them all: approved and FULFILLED in the same call;
 * - otherwise SUBMITTED, for the provider's data owner.
 * Any rejection (4xx) is logged before it is answered.
 */
@CommandHandler(SubmitExchangeRequestCommand)
export class SubmitExchangeRequestHandler implements ICommandHandler<
  SubmitExchangeRequestCommand,
  SubmitExchangeRequestResult
> {
  constructor(
    private readonly repo: ExchangeRequestRepository,
    private readonly verifier: RequestSignatureVerifier,
    private readonly orgs: OrganisationDirectory,
    private readonly assessor: SubmissionAssessor,
    private readonly release: ExchangeRelease,
    private readonly log: ExchangeLog,
    private readonly logger: JsonLogger,
    private readonly outbox: OutboxPublisher,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'gatewayId'>,
  ) {}

  async execute({ principal: p, body }: SubmitExchangeRequestCommand): Promise<SubmitExchangeRequestResult> {
    const now = new Date();
    let request: ExchangeRequest;
    try {
      const { jws, claims } = await this.accept(p, body, now);
      request = await this.create(p, claims, jws, body, now);
    } catch (err) {
      const e = err instanceof DuplicateRequestJti ? replayed() : err;
      if (e instanceof ExchangeException) await this.reject(p, body, e);
      throw e;
    }
    const s = request.state;
    return {
      id: s.id,
      status: s.status,
      dueBy: s.dueBy.toISOString(),
      ...(s.status === 'REFUSED' && s.statusReason ? { reason: s.statusReason } : {}),
    };
  }

  /** Every check of the JWS itself; throws a coded exception (400, 403, 409) naming what is wrong. */
  private async accept(
    p: Principal,
    body: string,
    now: Date,
  ): Promise<{ jws: DecodedRequestJws; claims: ExchangeRequestClaims }> {
    ExchangeException.requireReason(p, 'submit');
    const jws = decodeRequestJws(body);
    const iss = jws.payload.iss;
    if (typeof iss !== 'string')
      throw new ExchangeException(ExchangeExceptionCode.InvalidRequestJws, 'The request JWS has no iss claim.', [
        { field: 'iss', message: 'is required: the requesting organisation id' },
      ]);
    // The caller may only submit its own organisation's requests: a relayed JWS of another
    // organisation would make the gateway act for an organisation that did not call it.
    if (iss !== p.org)
      throw new ExchangeException(
        ExchangeExceptionCode.SignerMismatch,
        `The request JWS is signed for ${iss}, but the bearer token is ${p.org}'s.`,
      );
    await this.verifier.verify(jws, p, now);
    const claims = validateRequestClaims(jws.payload, now, this.config.gatewayId);
    const provider = await this.orgs.get(claims.provider);
    if (!provider || provider.status !== 'ACTIVE' || provider.kind === 'GATEWAY') {
      throw new ExchangeException(
        ExchangeExceptionCode.InvalidRequestJws,
        `${claims.provider} is not a registered partner organisation.`,
        [{ field: 'provider', message: 'is not a registered partner organisation' }],
      );
    }
    // A replay is refused by the insert (the unique (requester_org, request_jti)): a look-up
    // here first would cost every submission a query for what only a replay needs.
    return { jws, claims };
  }

  private async create(
    p: Principal,
    c: ExchangeRequestClaims,
    jws: DecodedRequestJws,
    body: string,
    now: Date,
  ): Promise<ExchangeRequest> {
    const { verdict, inForce, automatic } = await this.assessor.assess(p, c, now);
    const request = ExchangeRequest.submit({
      id: randomUUID(),
      claims: c,
      jws: { text: body, kid: jws.header.kid, alg: jws.header.alg },
      by: p,
      now,
      refusal: verdict.ok ? null : verdict.problems.join('; '),
    });
    const reasons = verdict.ok
      ? [
          automatic
            ? 'automatic approval: the policies release every requested category'
            : "awaiting the provider's data owner",
        ]
      : verdict.problems;
    const agreement = inForce ? { id: inForce.id, version: inForce.version } : null;
    // The request, its log intent and its events commit together, in one statement; the entry
    // is integrated after the commit.
    const intent = await this.repo.submit(
      request,
      this.log.submitted(p, request, reasons, agreement),
      exchangeEvents(null, request),
    );
    // Integration is asked for first, so the submission's entry precedes the release's in the
    // log; the release does not wait for it, so both can go into the tree in one group commit.
    // Either way the answer waits for the submission's entry, and for one publication of the
    // events, begun once every write of the request (submission, release) has committed.
    const integrated = this.log.integrate(intent);
    const released = automatic ? await this.autoRelease(p, request, automatic.release, automatic.reasons, now) : null;
    await Promise.all([integrated, this.outbox.publish()]);
    return released ?? request;
  }

  /**
   * Approves and releases; if that fails the request simply waits for the data owner. What is
   * released (the agreement in force, the plan, the case) is what the assessment read, at the
   * same instant; nothing is read again here. The request was stored SUBMITTED a moment ago, and
   * its release is stored by one statement only while it still is: no transaction is held open
   * across the release's log entry and signature. Should its data owner decide it in that moment
   * (the request is listed to them once stored), their decision stands and this release is never
   * stored or served; its log entry then records a release that did not happen, as when a
   * release's write fails (see ExchangeRelease).
   */
  private async autoRelease(
    p: Principal,
    request: ExchangeRequest,
    check: ReleaseReady,
    policyReasons: string[],
    now: Date,
  ): Promise<ExchangeRequest | null> {
    try {
      const r = ExchangeRequest.restore(request.state);
      r.approve(
        GATEWAY_ACTOR,
        'approved automatically: the policies release every requested category to the requester',
        now,
      );
      await this.release.release(p, r, check, ['automatic approval', ...policyReasons]);
      if (await this.repo.saveIf(r, 'SUBMITTED', exchangeEvents('SUBMITTED', r))) return r;
      return await this.repo.findById(r.id);
    } catch (e) {
      this.logger.warn(
        `automatic release of exchange request ${request.id} failed; it waits for the data owner: ${e instanceof Error ? e.message : String(e)}`,
        'Exchange',
      );
      return null;
    }
  }

  private async reject(p: Principal, body: string, e: ExchangeException): Promise<void> {
    await this.log.rejected(p, await describeRejection(body, e, (id) => this.orgs.get(id).then((o) => o !== null)));
  }
}

function replayed(): ExchangeException {
  return new ExchangeException(
    ExchangeExceptionCode.Replayed,
    'This request JWS (its iss and jti) has already been submitted.',
  );
}
