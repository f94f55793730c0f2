import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { LogIntent, TransactionSql } from '@modules/access-log/index.js';
import { ExchangeLog, GATEWAY_ACTOR } from '../../application/exchange-log.js';
import { authoriseDecider } from '../../application/decider.js';
import { ExchangeRelease } from '../../application/exchange-release.js';
import { ExchangeException, ExchangeExceptionCode } from '../../domain/exchange.exception.js';
import type { ExchangeRequest } from '../../domain/exchange-request.js';
import { ExchangeRequestRepository } from '../../domain/exchange-request.repository.port.js';
import { DecideExchangeRequestCommand, type DecideExchangeRequestResult } from './decide-exchange-request.command.js';
import { recordEvents } from '@shared/events/index.js';
import { exchangeEvents } from '../../application/exchange-events.js';

/**
 * POST /exchange-requests/{id}/decision, by a data owner of the provider.
 *
 * REFUSE closes the request. APPROVE first re-checks the named agreement: if it is no longer in
 * force the request is closed (REFUSED, or EXPIRED) with that reason instead. Otherwise the
 * decision is logged and the request is APPROVED (committed), then released in a second step:
 * the data of the requested categories the agreement still covers, projected now, logged, then
 * signed. If the release fails (the log is unavailable), the request stays APPROVED and the data
 * owner's APPROVE can be sent again to retry the release alone. Only the data owner who approved
 * retries: another's APPROVE of an approved request is 409, as after the release, so two data
 * owners approving at once get one 200 and one 409, never two answers for one logged decision.
 */
@CommandHandler(DecideExchangeRequestCommand)
export class DecideExchangeRequestHandler implements ICommandHandler<
  DecideExchangeRequestCommand,
  DecideExchangeRequestResult
> {
  constructor(
    private readonly repo: ExchangeRequestRepository,
    private readonly release: ExchangeRelease,
    private readonly log: ExchangeLog,
  ) {}

  async execute({
    principal: p,
    id,
    decision,
    reason,
  }: DecideExchangeRequestCommand): Promise<DecideExchangeRequestResult> {
    const now = new Date();
    const decided = await this.repo.transaction(async (tx) => {
      const r = await this.repo.lock(tx, id);
      if (!r) return null;
      authoriseDecider(p, r);
      // What an approval would release (the agreement and the case), read under the lock on the
      // locking transaction's own connection.
      const approval = decision === 'APPROVE' && r.status === 'SUBMITTED' ? await this.release.check(r, now, tx) : null;
      // The aggregate replaces its state on every transition, so "unchanged" is reference equality.
      const before = r.state;
      let intent: LogIntent | null = null;
      if (decision === 'REFUSE') {
        r.refuse({ org: p.org, sub: p.sub }, reason.trim(), now);
        intent = await this.log.decided(tx, p, r, 'REFUSE', reason.trim(), null);
      } else if (r.status === 'APPROVED' && r.state.decidedBy?.org === p.org && r.state.decidedBy.sub === p.sub) {
        // the approver's retry of the release below
      } else if (r.status !== 'SUBMITTED' || !approval) {
        throw new ExchangeException(
          ExchangeExceptionCode.NotDecidable,
          `This request is ${r.status} and cannot be approved.`,
        );
      } else if (approval.kind === 'close') {
        intent = await this.close(tx, r, approval, now, p.requestId);
      } else {
        r.approve({ org: p.org, sub: p.sub }, reason.trim(), now);
        intent = await this.log.decided(tx, p, r, 'APPROVE', reason.trim(), {
          id: approval.agreement.id,
          version: approval.agreement.version,
        });
      }
      // Every transition above queued its entry in this transaction: the two commit together.
      if (r.state !== before) {
        await this.repo.save(tx, r);
        await recordEvents(tx, exchangeEvents(before.status, r));
      }
      return { request: r, intent };
    });
    if (!decided) throw ExchangeException.notFound();
    await this.log.integrate(decided.intent);
    if (decided.request.status !== 'APPROVED') return view(decided.request);

    // Approved by this call or before (a retry after a failed release): check again under the
    // request's lock, on this transaction, which holds the case row until it commits. So the
    // release is of the case as it stands now, and a restriction or transfer committed since the
    // approval's check is seen; one made meanwhile waits for the release.
    const at = new Date();
    const released = await this.repo.transaction(async (tx) => {
      const r = (await this.repo.lock(tx, id))!;
      const from = r.status;
      let intent: LogIntent | null = null;
      if (r.status !== 'APPROVED') return { request: r, intent };
      const check = await this.release.check(r, at, tx);
      if (check.kind === 'close') intent = await this.close(tx, r, check, at, p.requestId);
      // The release's entry is appended (durable) before the bundle that carries its receipt is signed.
      else await this.release.release(p, r, check, [`approved by the provider's data owner ${p.sub}`]);
      await this.repo.save(tx, r);
      await recordEvents(tx, exchangeEvents(from, r));
      return { request: r, intent };
    });
    await this.log.integrate(released.intent);
    return view(released.request);
  }

  /** The agreement no longer allows the release: the gateway closes the request, whoever approved. */
  private close(
    tx: TransactionSql,
    r: ExchangeRequest,
    c: { status: 'REFUSED' | 'EXPIRED'; reason: string },
    now: Date,
    requestId: string,
  ): Promise<LogIntent> {
    if (c.status === 'EXPIRED') r.expire(c.reason, now);
    else r.refuse(GATEWAY_ACTOR, c.reason, now);
    return this.log.closedByGateway(tx, r, c.reason, requestId);
  }
}

function view(r: ExchangeRequest): DecideExchangeRequestResult {
  return { id: r.id, status: r.status, reason: r.state.statusReason };
}
