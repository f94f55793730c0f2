export * from './auth.exception.js';
export * from './decorators.js';
export * from './organisation-keys.port.js';
export * from './principal.js';
export * from './request-token.js';
export * from './roles.js';
export { SignedRequestGuard, REQUEST_TOKEN_TYPE } from './signed-request.guard.js';
export { ReplayStore } from './replay.store.js';
export { RolesGuard } from './roles.guard.js';
export {
  OrganisationRateLimit,
  OrganisationRateLimitGuard,
  registerRateLimit,
} from './organisation-rate-limit.guard.js';
