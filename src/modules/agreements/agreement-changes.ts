import { Inject, Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import { links, recordEvents, type OutboxEvent } from '@shared/events/index.js';
import { AgreementAudit, type AgreementLogAction } from './agreement-audit.js';
import { AgreementCoverage } from './agreement-coverage.js';
import { AgreementException } from './domain/agreement.exception.js';
import { AGREEMENT_REPOSITORY, type AgreementRepository } from './domain/agreement.repository.port.js';
import type { Actor, Agreement } from './domain/agreement.js';
import { AgreementActivatedEvent } from './domain/agreement-activated.event.js';
import { AgreementAmendedEvent } from './domain/agreement-amended.event.js';
import { AgreementResumedEvent } from './domain/agreement-resumed.event.js';
import { AgreementSuspendedEvent } from './domain/agreement-suspended.event.js';
import { AgreementTerminatedEvent } from './domain/agreement-terminated.event.js';

export const actorOf = (p: Principal): Actor => ({ org: p.org, sub: p.sub });

/**
 * How every change of an existing agreement runs: in one transaction, under the row lock, the
 * aggregate decides (or refuses, and nothing is written); the new rows, the state counter and
 * the change's access-log intent commit together; then this instance's coverage index is
 * dropped, the entry is integrated into the log, and the domain events go out (after commit,
 * so no listener hears of a change that did not happen). The same events are written to the
 * event outbox inside the transaction, for webhooks and the pull feed.
 */
@Injectable()
export class AgreementChanges {
  constructor(
    @Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository,
    private readonly audit: AgreementAudit,
    private readonly coverage: AgreementCoverage,
    private readonly events: EventBus,
  ) {}

  async apply(
    p: Principal,
    id: string,
    action: AgreementLogAction,
    change: (a: Agreement, now: Date) => void,
    log: { reason?: string; detail?: string[] } = {},
  ): Promise<Agreement> {
    const now = new Date();
    const done = await this.repo.transaction(async (tx) => {
      const a = await this.repo.lock(tx, id);
      if (!a) return null;
      const from = a.statusAt(now);
      change(a, now);
      await this.repo.save(tx, a);
      const intent = await this.audit.record(tx, p, action, a, { from, ...log });
      const events = a.pullEvents();
      await recordEvents(tx, [...events.flatMap((e) => toOutbox(e, a)), ...signatureRequested(from, action, a, now)]);
      return { agreement: a, intent, events };
    });
    if (!done) throw AgreementException.notFound(id);
    this.coverage.invalidate();
    await this.audit.integrate([done.intent]);
    for (const e of done.events) this.events.publish(e);
    return done.agreement;
  }
}

/**
 * `agreement.signature-requested` when a version starts to await signatures (submitted, amended,
 * or first signed from DRAFT), addressed to the parties that have not signed it yet.
 */
function signatureRequested(from: string, action: AgreementLogAction, a: Agreement, now: Date): OutboxEvent[] {
  if (a.statusAt(now) !== 'PENDING_SIGNATURES' || (from === 'PENDING_SIGNATURES' && action !== 'amend')) return [];
  const awaiting = a.awaitingSignatures();
  return awaiting.length
    ? [{ type: 'agreement.signature-requested', subject: a.id, parties: awaiting, link: links.agreement(a.id) }]
    : [];
}

/** The thin outbox event of a domain event: the agreement's id and link, and its parties as the audience. */
function toOutbox(e: ReturnType<Agreement['pullEvents']>[number], a: Agreement): OutboxEvent[] {
  const type: OutboxEvent['type'] | null =
    e instanceof AgreementActivatedEvent
      ? 'agreement.activated'
      : e instanceof AgreementAmendedEvent
        ? 'agreement.amended'
        : e instanceof AgreementSuspendedEvent
          ? 'agreement.suspended'
          : e instanceof AgreementResumedEvent
            ? 'agreement.resumed'
            : e instanceof AgreementTerminatedEvent
              ? 'agreement.terminated'
              : null;
  return type ? [{ type, subject: a.id, parties: a.terms.parties.map((p) => p.org), link: links.agreement(a.id) }] : [];
}
