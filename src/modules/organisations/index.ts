export { OrganisationsModule } from './organisations.module.js';
export { OrganisationBootstrap } from './organisation.bootstrap.js';
export { OrganisationDirectory, type OrganisationSummary } from './organisation.directory.js';
export { OrganisationKeysRotatedEvent } from './domain/organisation-keys-rotated.event.js';
export { OPERATOR_ORG_ID } from './domain/organisation.js';
