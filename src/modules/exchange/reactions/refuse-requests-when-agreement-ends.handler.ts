import { randomUUID } from 'node:crypto';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { AgreementExpiredEvent, AgreementSuspendedEvent, AgreementTerminatedEvent } from '@modules/agreements/index.js';
import { ExchangeLog, GATEWAY_ACTOR } from '../application/exchange-log.js';
import { ExchangeRequestRepository } from '../domain/exchange-request.repository.port.js';
import { recordEvents } from '@shared/events/index.js';
import { exchangeEvents } from '../application/exchange-events.js';

type AgreementEnded = AgreementSuspendedEvent | AgreementTerminatedEvent | AgreementExpiredEvent;

/**
 * When an agreement is suspended or terminated, every open request made under it is REFUSED
 * with that reason (EXPIRED when the agreement expired), each logged. Not the only safeguard:
 * events are not awaited and an instance can stop between the change and this handler, so every
 * approval and release also re-checks the agreement and closes the request itself.
 */
@EventsHandler(AgreementSuspendedEvent, AgreementTerminatedEvent, AgreementExpiredEvent)
export class RefuseRequestsWhenAgreementEndsHandler implements IEventHandler<AgreementEnded> {
  constructor(
    private readonly repo: ExchangeRequestRepository,
    private readonly log: ExchangeLog,
    private readonly logger: JsonLogger,
  ) {}

  async handle(event: AgreementEnded): Promise<void> {
    const reason = reasonOf(event);
    const requestId = `agreement-${event.agreementId}-${randomUUID()}`.slice(0, 128);
    const now = new Date();
    for (const id of await this.repo.openUnderAgreement(event.agreementId)) {
      try {
        const intent = await this.repo.transaction(async (tx) => {
          const r = await this.repo.lock(tx, id);
          if (!r?.isOpen) return null;
          const from = r.status;
          if (event instanceof AgreementExpiredEvent) r.expire(reason, now);
          else r.refuse(GATEWAY_ACTOR, reason, now);
          await this.repo.save(tx, r);
          const intent = await this.log.closedByGateway(tx, r, reason, requestId, {
            id: event.agreementId,
            version: event.version,
          });
          await recordEvents(tx, exchangeEvents(from, r));
          return intent;
        });
        await this.log.integrate(intent);
      } catch (e) {
        // The request stays open; its approval or release re-checks the agreement anyway.
        this.logger.warn(
          `could not close exchange request ${id} after agreement ${event.agreementId} ended: ${e instanceof Error ? e.message : String(e)}`,
          'Exchange',
        );
      }
    }
  }
}

function reasonOf(e: AgreementEnded): string {
  if (e instanceof AgreementExpiredEvent) return `agreement ${e.agreementId} expired on ${e.validTo.toISOString()}`;
  const verb = e instanceof AgreementSuspendedEvent ? 'suspended' : 'terminated';
  return `agreement ${e.agreementId} was ${verb} by ${e.byOrg}: ${e.reason}`;
}
