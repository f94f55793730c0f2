import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '@config/app.config.js';
import { AccessLogModule } from '@modules/access-log/index.js';
import { OrganisationsModule } from '@modules/organisations/index.js';
import { PeopleModule } from '@modules/people/index.js';
import { ActivityChartsService } from './application/activity-charts.service.js';
import { BreachDeadlineWatcher } from './application/breach-deadline.watcher.js';
import { BreachRegisterService } from './application/breach-register.service.js';
import { GovernanceOverviewService } from './application/governance-overview.service.js';
import { IgSessionGuard } from './application/ig-session.guard.js';
import { MisuseFlagWatcher } from './application/misuse-flag.watcher.js';
import { MisuseFlagsService } from './application/misuse-flags.service.js';
import { BreachRepository } from './domain/breach.repository.port.js';
import { AgreementsSource, OverdueExchangeSource, WebhookDeliverySource } from './domain/agreement-view.js';
import { BreachesController } from './http/breaches.controller.js';
import { IgApiController } from './http/ig-api.controller.js';
import { IgDemoSessionController } from './http/ig-demo-session.controller.js';
import { IgPagesController } from './http/ig-pages.controller.js';
import { IgSessionAdminController } from './http/ig-session-admin.controller.js';
import { IgSessionController } from './http/ig-session.controller.js';
import {
  AgreementsReadAdapter,
  OverdueExchangeReadAdapter,
  WebhookDeliveryReadAdapter,
} from './infrastructure/governance-read.adapters.js';
import { BreachStore } from './infrastructure/breach.store.js';
import { FlagReviewStore } from './infrastructure/flag-review.store.js';
import { IgSessionStore } from './infrastructure/ig-session.store.js';
import { FlagReviews } from './domain/flag-reviews.port.js';
import { IgSessions } from './domain/ig-sessions.port.js';

/**
 * The information-governance console at /ig: pages for ig-reviewer staff over the access log
 * (review, verification, subject access reports, misuse flags, governance overview), and the IG
 * records: agreements' DPIA references and review schedules, and the breach register (also
 * served to signed callers at /breaches).
 */
@Module({})
export class IgConsoleModule {
  static forRoot(config: Pick<AppConfig, 'demo'>): DynamicModule {
    return {
      module: IgConsoleModule,
      imports: [AccessLogModule, OrganisationsModule, PeopleModule, CqrsModule],
      // The token-less demo sign-in exists only in demo mode: the route is not even registered otherwise.
      controllers: [
        IgPagesController,
        IgSessionController,
        IgSessionAdminController,
        IgApiController,
        BreachesController,
        ...(config.demo ? [IgDemoSessionController] : []),
      ],
      providers: [
        { provide: IgSessions, useClass: IgSessionStore },
        IgSessionGuard,
        { provide: FlagReviews, useClass: FlagReviewStore },
        MisuseFlagsService,
        ActivityChartsService,
        MisuseFlagWatcher,
        GovernanceOverviewService,
        { provide: BreachRepository, useClass: BreachStore },
        BreachRegisterService,
        BreachDeadlineWatcher,
        { provide: AgreementsSource, useClass: AgreementsReadAdapter },
        { provide: OverdueExchangeSource, useClass: OverdueExchangeReadAdapter },
        { provide: WebhookDeliverySource, useClass: WebhookDeliveryReadAdapter },
      ],
    };
  }
}
