import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { ProblemPages } from '@shared/http/problem-pages.js';
import { AccessLogModule } from '@modules/access-log/index.js';
import { OrganisationsModule } from '@modules/organisations/index.js';
import { IdentityProviderRegistry } from './application/identity-provider-registry.service.js';
import { SignInService } from './application/sign-in.service.js';
import { SignedInPeople } from './application/signed-in-people.js';
import { IdentityProviders } from './domain/identity-providers.port.js';
import { PersonSessions } from './domain/person-sessions.port.js';
import { IdentityProviderController } from './http/identity-provider.controller.js';
import { SignInController } from './http/sign-in.controller.js';
import { PersonProblemPages } from './http/person-page-kit.js';
import { IdentityProviderStore } from './infrastructure/identity-provider.store.js';
import { PersonSessionStore } from './infrastructure/person-session.store.js';

/**
 * People sign in through their organisation's identity provider (OpenID Connect); sessions in
 * PostgreSQL. Organisations register their IdP through the signed API.
 */
@Module({
  imports: [AccessLogModule, OrganisationsModule],
  controllers: [SignInController, IdentityProviderController],
  providers: [
    SignInService,
    SignedInPeople,
    IdentityProviderRegistry,
    { provide: IdentityProviders, useClass: IdentityProviderStore },
    { provide: PersonSessions, useClass: PersonSessionStore },
    {
      provide: ProblemPages,
      useFactory: (config: AppConfig) => new PersonProblemPages(config.demo),
      inject: [APP_CONFIG],
    },
  ],
  exports: [SignInService, SignedInPeople, IdentityProviders, ProblemPages],
})
export class PeopleModule {}
