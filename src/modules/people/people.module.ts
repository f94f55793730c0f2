import { Module } from '@nestjs/common';
import { SignInService } from './application/sign-in.service.js';
import { SignInController } from './http/sign-in.controller.js';
import { IdentityProviderStore } from './infrastructure/identity-provider.store.js';
import { PersonSessionStore } from './infrastructure/person-session.store.js';

/** People sign in through their organisation's identity provider (OpenID Connect); sessions in PostgreSQL. */
@Module({
  controllers: [SignInController],
  providers: [SignInService, IdentityProviderStore, PersonSessionStore],
  exports: [SignInService, IdentityProviderStore],
})
export class PeopleModule {}
