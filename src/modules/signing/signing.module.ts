import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { OrganisationsModule } from '@modules/organisations/index.js';
import { PeopleModule } from '@modules/people/index.js';
import { AskForMorePagesController } from './http/ask-for-more-pages.controller.js';
import { PersonKeysPagesController } from './http/person-keys-pages.controller.js';
import { SigningPagesController } from './http/signing-pages.controller.js';

/**
 * Pages where people sign: their personal signing keys, the signatory's agreements, and an
 * officer's request for more information. Every action goes through the API's own commands and
 * queries, as the signed-in person's principal.
 */
@Module({
  imports: [CqrsModule, OrganisationsModule, PeopleModule],
  controllers: [PersonKeysPagesController, SigningPagesController, AskForMorePagesController],
})
export class SigningModule {}
