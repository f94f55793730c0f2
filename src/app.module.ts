import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ScheduleModule } from '@nestjs/schedule';
import { ConfigModule } from '@config/config.module.js';
import type { AppConfig } from '@config/app.config.js';
import { OrganisationRateLimitGuard } from '@shared/auth/organisation-rate-limit.guard.js';
import { RolesGuard } from '@shared/auth/roles.guard.js';
import { SignedRequestGuard } from '@shared/auth/signed-request.guard.js';
import { CoreModule, type CoreDeps } from '@shared/core/core.module.js';
import { ContentTypeInterceptor } from '@shared/http/consumes.js';
import { ProblemFilter } from '@shared/http/problem.filter.js';
import { OrganisationsModule } from '@modules/organisations/index.js';
import { AccessLogModule } from '@modules/access-log/index.js';
import { AgreementsModule } from '@modules/agreements/index.js';
import { CasesModule } from '@modules/cases/index.js';
import { PoliciesModule } from '@modules/policies/index.js';
import { ExchangeModule } from '@modules/exchange/index.js';
import { IgConsoleModule } from '@modules/ig-console/index.js';
import { WebModule } from '@modules/web/index.js';
import { PeopleModule } from '@modules/people/index.js';
import { OfficerPagesModule } from '@modules/officer-pages/index.js';
import { EventsModule } from '@modules/events/index.js';
import { RetentionModule } from '@modules/retention/index.js';
import { SigningModule } from '@modules/signing/index.js';

/** The composition root: wires every feature module to the process-wide infrastructure. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, deps: CoreDeps): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CoreModule.forRoot(deps),
        CqrsModule.forRoot(),
        // Periodic jobs register their intervals with its SchedulerRegistry (see shared/core/periodic.ts).
        ScheduleModule.forRoot(),
        OrganisationsModule,
        AccessLogModule,
        AgreementsModule,
        PoliciesModule,
        CasesModule,
        ExchangeModule,
        IgConsoleModule.forRoot(config),
        WebModule,
        PeopleModule,
        OfficerPagesModule,
        EventsModule,
        RetentionModule,
        SigningModule,
      ],
      providers: [
        // Global guards run in this order: who is calling, how often, may they.
        { provide: APP_GUARD, useClass: SignedRequestGuard },
        { provide: APP_GUARD, useClass: OrganisationRateLimitGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: ContentTypeInterceptor },
      ],
    };
  }
}
