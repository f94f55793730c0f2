import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { Metrics } from '@shared/observability/metrics.js';
import { ExchangeRequestRepository } from '../domain/exchange-request.repository.port.js';

/**
 * `gateway_exchange_requests_overdue{provider, urgency}`: open requests past their due time,
 * counted in the database at each scrape, so every instance reports the same truth and nothing
 * has to remember to update it.
 */
@Injectable()
export class OverdueRequestsGauge implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly repo: ExchangeRequestRepository,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    const { repo, logger } = this;
    new Gauge({
      name: 'gateway_exchange_requests_overdue',
      help: 'Exchange requests still SUBMITTED or APPROVED after their due time, by provider and urgency',
      labelNames: ['provider', 'urgency'] as const,
      registers: [this.metrics.registry],
      async collect() {
        try {
          const rows = await repo.countOverdue(new Date());
          this.reset();
          for (const r of rows) this.set({ provider: r.provider, urgency: r.urgency }, r.count);
        } catch (e) {
          // A scrape must not fail because of one gauge; the last value stays.
          logger.warn(
            `overdue exchange requests could not be counted: ${e instanceof Error ? e.message : String(e)}`,
            'Exchange',
          );
        }
      },
    });
  }
}
