import type { Principal } from '../../src/shared/auth/principal.js';
import { effectiveRoles, type OrgKind } from '../../src/shared/auth/roles.js';

/**
 * A verified principal as the guard would build it, for handler specs:
 *   aPrincipal().of('police-cleveland', 'POLICE').withRoles('system').build()
 */
export class PrincipalBuilder {
  private org = 'police-cleveland';
  private kind: OrgKind = 'POLICE';
  private sub = 'user:test-1';
  private claimed: string[] = [];
  private attrs: Principal['attrs'] = {};
  private reason: string | undefined;

  of(org: string, kind: OrgKind): this {
    this.org = org;
    this.kind = kind;
    return this;
  }

  as(sub: string): this {
    this.sub = sub;
    return this;
  }

  /** Claimed roles; only those the organisation's kind allows become effective, as in the guard. */
  withRoles(...roles: string[]): this {
    this.claimed = roles;
    return this;
  }

  withAttrs(attrs: Principal['attrs']): this {
    this.attrs = attrs;
    return this;
  }

  because(reason: string): this {
    this.reason = reason;
    return this;
  }

  build(): Principal {
    return {
      org: this.org,
      orgKind: this.kind,
      sub: this.sub,
      roles: effectiveRoles(this.kind, this.claimed),
      claimedRoles: this.claimed,
      attrs: this.attrs,
      reason: this.reason,
      breakGlass: false,
      jti: `jti-${Math.random().toString(36).slice(2)}`,
      requestId: 'req-test',
    };
  }
}

export const aPrincipal = (): PrincipalBuilder => new PrincipalBuilder();
export const gatewayAdmin = (): Principal =>
  aPrincipal().of('gateway', 'GATEWAY').as('user:admin-1').withRoles('gateway-admin').build();
export const systemOf = (org: string, kind: OrgKind): Principal =>
  aPrincipal().of(org, kind).as(`system:${org}-cms`).withRoles('system').build();
