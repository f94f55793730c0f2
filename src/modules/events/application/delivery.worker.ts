import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { backoffMs, toCloudEvent } from '../domain/event-envelope.js';
import { EventStore, type DeliveredItem, type DeliveryItem, type SubscriptionRow } from '../domain/event-store.port.js';
import { disclosureEntry, EventAudience } from './event-audience.js';
import { UnsafeUrlError, UrlGuard } from './url-guard.js';
import { WebhookSigner } from './webhook-signer.js';
import { send, WebhookConnections } from './webhook-sender.js';

/** Events one lease works through before the subscription goes back in the queue (fairness). */
const BATCH = 50;
const DELIVERY_JOB = 'events.delivery';

/**
 * Delivers the outbox to webhooks, on every instance. Each tick (every poll, and whenever a slot
 * frees) leases due subscriptions, those furthest behind first
 * (`FOR UPDATE SKIP LOCKED`, then a lease column, so one instance works on a subscription at a
 * time and each event is sent once per attempt); a subscription's events go one at a time in
 * outbox order; at most `concurrency` subscriptions are worked on at once per instance, so a
 * slow receiver holds one slot for at most the request timeout and never the others.
 *
 * At least once: the cursor moves only after the receiver answered 2xx (or the event was not
 * for this subscriber, or was dead-lettered), recorded once per run of up to 10 such events; a
 * crash before that leaves the lease to expire and those events are sent again, with the same
 * `webhook-id` (the event id). Connections to a receiver are kept alive per checked address.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly instance = randomUUID();
  private inFlight = 0;
  private ticking = false;
  /** A slot freed while a tick was claiming: claim once more when it ends. */
  private tickAgain = false;
  private stopped = false;
  private readonly running = new Set<Promise<void>>();
  private readonly leaseMs: number;
  /** Kept-alive connections to receivers, per checked address. */
  private readonly connections = new WebhookConnections();

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
    this.connections.close();
  }

  /** Claims what this instance has room for and starts working on it; resolves once claimed. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
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
            // The slot is free: claim again now rather than at the next poll, so a busy outbox
            // keeps every slot working.
            void this.repo
              .release(lease, s.id)
              .catch(() => undefined)
              .then(() => this.tick());
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
      if (this.tickAgain) {
        this.tickAgain = false;
        void this.tick();
      }
    }
  }

  private async work(s: SubscriptionRow, lease: string): Promise<void> {
    let done = 0;
    while (done < BATCH && !this.stopped) {
      const items = await this.repo.next(s, Math.min(10, BATCH - done));
      if (!items.length) return;
      // Consecutive outbox items delivered (or not for this subscriber) are recorded together, in
      // one statement after the run: a crash before it sends them again, with the same ids.
      const run: DeliveredItem[] = [];
      for (const item of items) {
        const outcome = await this.deliver(s, item);
        if (outcome.kind === 'done' && !item.replay) {
          run.push({ seq: item.event.seq, attempt: outcome.attempt });
          // The next item's first attempt is its attempt 1, whatever this one took.
          s.attempts = 0;
          done++;
          continue;
        }
        if (!(await this.record(s, lease, run))) return;
        run.length = 0;
        if (outcome.kind === 'done') {
          const kind = outcome.attempt ? 'delivered' : 'skipped';
          if (!(await this.repo.finish(lease, s, item, { kind }, outcome.attempt, this.leaseMs))) return;
          done++;
          continue;
        }
        await this.failed(s, item, lease, outcome.attempt);
        return;
      }
      if (!(await this.record(s, lease, run))) return;
    }
  }

  /** Records a run of finished items; false when the lease was lost (another instance may have taken over). */
  private async record(s: SubscriptionRow, lease: string, run: readonly DeliveredItem[]): Promise<boolean> {
    return run.length === 0 || this.repo.finishRun(lease, s, run, this.leaseMs);
  }

  /** A failed attempt: dead-lettered after the last allowed attempt, otherwise retried later with backoff. */
  private async failed(s: SubscriptionRow, item: DeliveryItem, lease: string, attempt: Attempt): Promise<void> {
    if (attempt.n >= this.config.events.maxAttempts) {
      const dead = { kind: 'dead' as const, attempts: attempt.n, error: attempt.error ?? 'failed' };
      await this.repo.finish(lease, s, item, dead, attempt, this.leaseMs);
      return;
    }
    await this.repo.retryLater(
      lease,
      s,
      item,
      attempt,
      backoffMs(attempt.n, this.config.events.backoffBaseMs, this.config.events.maxBackoffMs),
    );
  }

  /**
   * Sends one item, or decides it is not for this subscriber (then `attempt` is null). Nothing
   * is recorded here: the caller records the outcome.
   */
  private async deliver(
    s: SubscriptionRow,
    item: DeliveryItem,
  ): Promise<{ kind: 'done'; attempt: Attempt | null } | { kind: 'failed'; attempt: Attempt }> {
    const verdict = await this.audience.decide(s.org, item.event);
    if (!verdict.ok) return { kind: 'done', attempt: null };
    const n = s.attempts + 1;
    let result: { ok: boolean; status: number | null; error: string | null };
    try {
      // Checked again at each attempt: the name may resolve elsewhere since the subscription was made.
      const target = await this.guard.check(s.url);
      // Before every attempt, since any attempt may reach the receiver: each entry names its
      // attempt within the current round (a dead letter replayed starts a new round at 1).
      if (verdict.disclosure)
        await this.log.append(
          disclosureEntry(
            s.org,
            item.event,
            verdict.disclosure,
            `webhook ${s.id}, attempt ${n}`,
            `event-${item.event.id}`,
          ),
        );
      const body = JSON.stringify(toCloudEvent(item.event, this.config.gatewayId));
      const headers = {
        ...this.signer.headers(item.event.id, body, s.scheme, s.secret),
        ...(s.scheme === 'v1a' ? { 'webhook-key-id': this.signer.kid } : {}),
      };
      result = await send(target, body, headers, this.config.events.timeoutMs, this.connections);
    } catch (e) {
      if (!(e instanceof UnsafeUrlError)) throw e;
      result = { ok: false, status: null, error: `url refused: ${e.message}` };
    }
    const attempt = { n, ...result };
    return result.ok ? { kind: 'done', attempt } : { kind: 'failed', attempt };
  }
}

type Attempt = { n: number; ok: boolean; status: number | null; error: string | null };
