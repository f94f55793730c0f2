import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { Metrics } from '@shared/observability/metrics.js';
import { EventStore } from '../domain/event-store.port.js';

/**
 * Webhook delivery gauges, counted in the database at each scrape (every instance reports the
 * same truth): backlog and oldest undelivered age per subscription, failed attempts and
 * undelivered dead letters.
 */
@Injectable()
export class DeliveryGauges implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly repo: EventStore,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    const registers = [this.metrics.registry];
    const labelNames = ['subscription', 'org'] as const;
    const backlog = new Gauge({
      name: 'gateway_events_backlog',
      help: 'Events not yet delivered to a subscription (or skipped for it)',
      labelNames,
      registers,
    });
    const oldest = new Gauge({
      name: 'gateway_events_oldest_undelivered_seconds',
      help: 'Age of the oldest event not yet delivered to a subscription',
      labelNames,
      registers,
    });
    const failures = new Gauge({
      name: 'gateway_events_failed_attempts',
      help: 'Failed delivery attempts of a subscription since it was created',
      labelNames,
      registers,
    });
    const dead = new Gauge({
      name: 'gateway_events_dead_letters',
      help: 'Events given up on for a subscription and not delivered by a replay',
      labelNames,
      registers,
    });
    const { repo, logger } = this;
    new Gauge({
      name: 'gateway_events_subscriptions',
      help: 'Active webhook subscriptions',
      registers,
      async collect() {
        try {
          const rows = await repo.stats();
          for (const g of [backlog, oldest, failures, dead]) g.reset();
          for (const r of rows) {
            const l = { subscription: r.id, org: r.org };
            backlog.set(l, r.backlog);
            oldest.set(l, r.oldest_s ?? 0);
            failures.set(l, r.failures);
            dead.set(l, r.dead);
          }
          this.set(rows.length);
        } catch (e) {
          logger.warn(
            `webhook delivery gauges could not be counted: ${e instanceof Error ? e.message : String(e)}`,
            'Events',
          );
        }
      },
    });
  }
}
