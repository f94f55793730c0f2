import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccessLogModule } from '@modules/access-log/index.js';
import { ORGANISATION_KEY_LOOKUP } from '@shared/auth/organisation-keys.port.js';
import { RegisterOrganisationHandler } from './commands/register-organisation/register-organisation.handler.js';
import { RotateOrganisationKeysHandler } from './commands/rotate-organisation-keys/rotate-organisation-keys.handler.js';
import { ORGANISATION_REPOSITORY } from './domain/organisation.repository.port.js';
import { OrganisationKeyCache } from './infrastructure/organisation-key.cache.js';
import { PgOrganisationRepository } from './infrastructure/pg-organisation.repository.js';
import { OrganisationsController } from './organisations.controller.js';
import { OrganisationBootstrap } from './organisation.bootstrap.js';
import { GetOrganisationKeysHandler } from './queries/get-organisation-keys/get-organisation-keys.handler.js';
import { ListOrganisationsHandler } from './queries/list-organisations/list-organisations.handler.js';
import { OrganisationDirectory } from './organisation.directory.js';
import { RegisterPersonKeyHandler } from './commands/register-person-key/register-person-key.handler.js';
import { DecidePersonKeyHandler } from './commands/decide-person-key/decide-person-key.handler.js';
import { ListPersonKeysHandler } from './queries/list-person-keys/list-person-keys.handler.js';
import { PERSON_KEY_REPOSITORY } from './domain/person-key.repository.port.js';
import { PgPersonKeyRepository } from './infrastructure/pg-person-key.repository.js';

@Module({
  imports: [CqrsModule, AccessLogModule],
  controllers: [OrganisationsController],
  providers: [
    { provide: ORGANISATION_REPOSITORY, useClass: PgOrganisationRepository },
    OrganisationKeyCache,
    { provide: ORGANISATION_KEY_LOOKUP, useExisting: OrganisationKeyCache },
    OrganisationBootstrap,
    OrganisationDirectory,
    RegisterOrganisationHandler,
    RotateOrganisationKeysHandler,
    ListOrganisationsHandler,
    GetOrganisationKeysHandler,
    { provide: PERSON_KEY_REPOSITORY, useClass: PgPersonKeyRepository },
    RegisterPersonKeyHandler,
    DecidePersonKeyHandler,
    ListPersonKeysHandler,
  ],
  exports: [ORGANISATION_KEY_LOOKUP, OrganisationDirectory, OrganisationBootstrap],
})
export class OrganisationsModule {}
