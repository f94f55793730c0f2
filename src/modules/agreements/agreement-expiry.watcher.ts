import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { SchedulerRegistry } from '@nestjs/schedule';
import { links, recordEventOnce, recordEvents } from '@shared/events/index.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { AgreementAudit } from './agreement-audit.js';
import { AgreementCoverage } from './agreement-coverage.js';
import { AgreementExpiredEvent } from './domain/agreement-expired.event.js';
import {
  AGREEMENT_REPOSITORY,
  type AgreementRepository,
  type ExpiredAgreement,
} from './domain/agreement.repository.port.js';

/** How often the watcher looks for agreements past their validTo, near it, or past their reviewBy. */
export const EXPIRY_SWEEP_INTERVAL_MS = 60_000;
const EXPIRY_JOB = 'agreements.expiry-sweep';
/** An agreement in force is `expiring` (one event, to its parties) from this long before its validTo. */
export const EXPIRING_NOTICE_MS = 30 * 24 * 3_600_000;

/**
 * Records EXPIRED and publishes AgreementExpiredEvent for agreements whose validTo has passed.
 * Only for the record and for listeners: no decision waits for it, because coverage and
 * status already compare validTo with the clock at decision time. Several instances may run
 * it; the conditional UPDATE lets exactly one of them report each agreement.
 *
 * Each pass also raises the outbox events `agreement.expiring` (validTo within
 * EXPIRING_NOTICE_MS) and `agreement.review-due` (the version in force has reached a date of its review
 * schedule: reviewBy, then every reviewIntervalMonths), once per agreement and date, whichever instance sees it first (recordEventOnce).
 */
@Injectable()
export class AgreementExpiryWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository,
    private readonly audit: AgreementAudit,
    private readonly coverage: AgreementCoverage,
    private readonly events: EventBus,
    private readonly logger: JsonLogger,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    scheduleEvery(this.scheduler, EXPIRY_JOB, EXPIRY_SWEEP_INTERVAL_MS, () => {
      const now = new Date();
      this.running = Promise.all([this.sweep(now), this.remind(now)]).catch((e: unknown) =>
        this.logger.warn(
          `agreement expiry sweep failed: ${e instanceof Error ? e.message : String(e)}`,
          'AgreementExpiryWatcher',
        ),
      );
    });
  }

  async onModuleDestroy(): Promise<void> {
    unschedule(this.scheduler, EXPIRY_JOB);
    await this.running;
  }

  /** Raises the deadline events due at `now` that no pass raised before; returns how many it raised. */
  async remind(now = new Date()): Promise<number> {
    return this.repo.transaction(async (tx) => {
      let raised = 0;
      for (const d of await this.repo.findDeadlines(tx, now, new Date(now.getTime() + EXPIRING_NOTICE_MS))) {
        const event = {
          type: d.kind === 'expiring' ? ('agreement.expiring' as const) : ('agreement.review-due' as const),
          subject: d.id,
          parties: d.partyOrgs,
          link: links.agreement(d.id),
        };
        if (await recordEventOnce(tx, event, d.dueAt)) raised++;
      }
      return raised;
    });
  }

  /** One pass; returns what it marked expired. */
  async sweep(now = new Date()): Promise<ExpiredAgreement[]> {
    const { expired, intents } = await this.repo.transaction(async (tx) => {
      const marked = await this.repo.markExpired(tx, now);
      const queued = [];
      for (const e of marked) queued.push(await this.audit.recordExpired(tx, e, now));
      await recordEvents(
        tx,
        marked.map((e) => ({
          type: 'agreement.expired' as const,
          subject: e.id,
          parties: e.partyOrgs,
          link: links.agreement(e.id),
        })),
      );
      return { expired: marked, intents: queued };
    });
    if (!expired.length) return expired;
    this.coverage.invalidate();
    await this.audit.integrate(intents);
    for (const e of expired) this.events.publish(new AgreementExpiredEvent(e.id, e.version, e.validTo));
    return expired;
  }
}
