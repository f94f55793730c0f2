import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from './roles.js';
import type { Principal } from './principal.js';

export const IS_PUBLIC = 'auth:isPublic';
export const REQUIRED_ROLES = 'auth:requiredRoles';

/** Opts a route out of signed-request authentication (health, docs, JWKS, demo helpers). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The route needs at least one of these effective roles; anything else is 403. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES, roles);

/** Injects the verified Principal of the request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!req.principal) throw new Error('CurrentPrincipal used on a public route');
  return req.principal;
});

export const READS_WITH_CLAIM = 'auth:readsWithClaim';

/** What a route's request offers the key of its claim read from: its path parameters and its body as received. */
export interface ClaimReadSource {
  params?: Record<string, string | undefined>;
  rawBody?: Buffer | string;
}

/** A route's read with its token claim: the read's name and the key, from a path parameter or from the request. */
export interface ReadWithClaim {
  read: string;
  key: (req: ClaimReadSource) => unknown;
}

/**
 * The route's first read of a row is made by its token claim (see ClaimReads): `read` is the
 * registered read, `key` the path parameter naming the row, or a function finding the key in the
 * request (a key not of the read's form, or a function that throws, reads nothing). Only for a
 * route that reads that row before it writes it: the row is as the claim's statement read it,
 * after the request arrived.
 */
export const ReadsWithClaim = (read: string, key: string | ((req: ClaimReadSource) => unknown)): MethodDecorator =>
  SetMetadata(READS_WITH_CLAIM, {
    read,
    key: typeof key === 'string' ? (req: ClaimReadSource) => req.params?.[key] : key,
  } satisfies ReadWithClaim);
