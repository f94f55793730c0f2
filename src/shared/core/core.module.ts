import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrganisationRateLimit } from '@shared/auth/organisation-rate-limit.guard.js';
import { ReplayStore } from '@shared/auth/replay.store.js';
import { ClaimReads } from '@shared/database/claim-reads.js';
import { StateCounters } from '@shared/database/state-counters.js';
import { OutboxPublisher } from '@shared/events/outbox-publisher.js';
import { GatewaySigner } from '@shared/crypto/gateway-signer.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { Metrics } from '@shared/observability/metrics.js';
import { GatewayKeysService } from './gateway-keys.service.js';
import { HealthRegistry } from './health.registry.js';
import { OpsController } from './ops.controller.js';
import { DocsController } from './docs.controller.js';

export interface CoreDeps {
  dataSource: DataSource;
  logger: JsonLogger;
  metrics: Metrics;
  signer: GatewaySigner;
}

/** Process-wide infrastructure every module may inject: database, logger, metrics, the gateway's signer, health, the outbox's publisher. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: CoreDeps): DynamicModule {
    return {
      module: CoreModule,
      controllers: [OpsController, DocsController],
      providers: [
        { provide: DataSource, useValue: deps.dataSource },
        { provide: JsonLogger, useValue: deps.logger },
        { provide: Metrics, useValue: deps.metrics },
        { provide: GatewaySigner, useValue: deps.signer },
        {
          provide: HealthRegistry,
          useFactory: () => {
            const h = new HealthRegistry();
            h.register('database', async () => {
              await deps.dataSource.query('SELECT 1');
            });
            return h;
          },
        },
        GatewayKeysService,
        StateCounters,
        ClaimReads,
        ReplayStore,
        OrganisationRateLimit,
        OutboxPublisher,
      ],
      exports: [
        DataSource,
        JsonLogger,
        Metrics,
        GatewaySigner,
        HealthRegistry,
        GatewayKeysService,
        StateCounters,
        ClaimReads,
        ReplayStore,
        OrganisationRateLimit,
        OutboxPublisher,
      ],
    };
  }
}
