export { PeopleModule } from './people.module.js';
export { SignInService, SignInRefused } from './application/sign-in.service.js';
export { IdentityProviders, type IdentityProvider } from './domain/identity-providers.port.js';
export type { ClaimMapping } from './domain/claim-mapping.js';
export { PERSON_SESSION_COOKIE, type PersonSession } from './domain/person-session.js';
export { SignedInPeople, SignedInPerson, type PageRequest } from './application/signed-in-people.js';
export { PersonPageKit, personPages, type PageLink } from './http/person-page-kit.js';
