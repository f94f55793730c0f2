import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { backoffMs, toCloudEvent } from '../domain/event-envelope.js';
import { EventStore, type DeliveryItem, type SubscriptionRow } from '../domain/event-store.port.js';
import { disclosureEntry, EventAudience } from './event-audience.js';
import { UnsafeUrlError, UrlGuard } from './url-guard.js';
import { WebhookSigner } from './webhook-signer.js';
import { send } from './webhook-sender.js';

/** Events one lease works through before the subscription goes back in the queue (fairness). */
const BATCH = 50;
const DELIVERY_JOB = 'events.delivery';

/**
 * Delivers the outbox to webhooks, on every instance. Each tick leases due subscriptions
 * (`FOR UPDATE SKIP LOCKED`, then a lease column, so one instance works on a subscription at a
 * time and each event is sent once per attempt); a subscription's events go one at a time in
 * outbox order; at most `concurrency` subscriptions are worked on at once per instance, so a
 * slow receiver holds one slot for at most the request timeout and never the others.
 *
 * At least once: the cursor moves only after the receiver answered 2xx (or the event was not
 * for this subscriber, or was dead-lettered); a crash before that leaves the lease to expire and
 * the event is sent again, with the same `webhook-id` (the event id).
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly instance = randomUUID();
  private inFlight = 0;
  private ticking = false;
  private stopped = false;
  private readonly running = new Set<Promise<void>>();
  private readonly leaseMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'events' | 'gatewayId'>,
    private readonly repo: EventStore,
    private readonly audience: EventAudience,
    private readonly guard: UrlGuard,
    private readonly signer: WebhookSigner,
    private readonly log: AccessLogWriter,
    private readonly logger: JsonLogger,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.leaseMs = config.events.timeoutMs + 10_000;
  }

  onApplicationBootstrap(): void {
    if (!this.config.events.deliveryEnabled) return;
    scheduleEvery(this.scheduler, DELIVERY_JOB, this.config.events.pollMs, () => void this.tick());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    unschedule(this.scheduler, DELIVERY_JOB);
    await Promise.allSettled([...this.running]);
  }

  /** Claims what this instance has room for and starts working on it; resolves once claimed. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const room = this.config.events.concurrency - this.inFlight;
      if (room <= 0) return;
      // A token per claim, not per instance: a late release of an earlier lease cannot end this one.
      const lease = `${this.instance}/${randomUUID()}`;
      const claimed = await this.repo.claim(lease, room, this.leaseMs);
      for (const s of claimed) {
        this.inFlight++;
        const p = this.work(s, lease)
          .catch((e: unknown) =>
            this.logger.warn(
              `webhook delivery for subscription ${s.id} stopped: ${e instanceof Error ? e.message : String(e)}`,
              'Events',
            ),
          )
          .finally(() => {
            this.inFlight--;
            this.running.delete(p);
            void this.repo.release(lease, s.id).catch(() => undefined);
          });
        this.running.add(p);
      }
    } catch (e) {
      this.logger.warn(
        `webhook delivery could not claim work: ${e instanceof Error ? e.message : String(e)}`,
        'Events',
      );
    } finally {
      this.ticking = false;
    }
  }

  private async work(s: SubscriptionRow, lease: string): Promise<void> {
    let done = 0;
    while (done < BATCH && !this.stopped) {
      const items = await this.repo.next(s, Math.min(10, BATCH - done));
      if (!items.length) return;
      for (const item of items) {
        if (!(await this.deliver(s, item, lease))) return;
        done++;
      }
    }
  }

  /** One item; false when the subscription must stop for now (a retry is scheduled, or the lease is lost). */
  private async deliver(s: SubscriptionRow, item: DeliveryItem, lease: string): Promise<boolean> {
    const verdict = await this.audience.decide(s.org, item.event);
    if (!verdict.ok) return this.repo.finish(lease, s, item, { kind: 'skipped' }, null, this.leaseMs);
    const n = s.attempts + 1;
    let result: { ok: boolean; status: number | null; error: string | null };
    try {
      // Checked again at each attempt: the name may resolve elsewhere since the subscription was made.
      const target = await this.guard.check(s.url);
      if (verdict.disclosure)
        await this.log.append(
          disclosureEntry(s.org, item.event, verdict.disclosure, `webhook ${s.id}`, `event-${item.event.id}`),
        );
      const body = JSON.stringify(toCloudEvent(item.event, this.config.gatewayId));
      const headers = {
        ...this.signer.headers(item.event.id, body, s.scheme, s.secret),
        ...(s.scheme === 'v1a' ? { 'webhook-key-id': this.signer.kid } : {}),
      };
      result = await send(target, body, headers, this.config.events.timeoutMs);
    } catch (e) {
      if (!(e instanceof UnsafeUrlError)) throw e;
      result = { ok: false, status: null, error: `url refused: ${e.message}` };
    }
    const attempt = { n, ...result };
    if (result.ok) return this.repo.finish(lease, s, item, { kind: 'delivered' }, attempt, this.leaseMs);
    if (n >= this.config.events.maxAttempts) {
      return this.repo.finish(
        lease,
        s,
        item,
        { kind: 'dead', attempts: n, error: result.error ?? 'failed' },
        attempt,
        this.leaseMs,
      );
    }
    await this.repo.retryLater(
      lease,
      s,
      item,
      attempt,
      backoffMs(n, this.config.events.backoffBaseMs, this.config.events.maxBackoffMs),
    );
    return false;
  }
}
