export { OrganisationsModule } from './organisations.module.js';
export { OrganisationBootstrap } from './organisation.bootstrap.js';
export { OrganisationDirectory, type OrganisationSummary } from './organisation.directory.js';
export { OrganisationEntity, OrganisationKeyEntity } from './infrastructure/organisation.entity.js';
export { OrganisationKeysRotatedEvent } from './domain/organisation-keys-rotated.event.js';
export { OPERATOR_ORG_ID } from './domain/organisation.js';

import { OrganisationEntity, OrganisationKeyEntity } from './infrastructure/organisation.entity.js';
/** The TypeORM entities this module owns. */
export const organisationEntities = [OrganisationEntity, OrganisationKeyEntity];
