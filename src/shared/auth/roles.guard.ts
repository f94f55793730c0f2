import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenException } from './auth.exception.js';
import { REQUIRED_ROLES } from './decorators.js';
import type { Principal } from './principal.js';
import { allowsRoles, type Role } from './roles.js';

/**
 * The route's @Roles(): the principal (set by SignedRequestGuard) needs one of them among its
 * effective roles, else 403. Runs after authentication and the rate limit.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (!required?.length) return true;
    const principal = ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
    if (!principal || !allowsRoles(required, principal.roles)) {
      throw new ForbiddenException(`This action needs one of the roles: ${required.join(', ')}.`, 'role_required');
    }
    return true;
  }
}
