import type { OrgKind, Role } from './roles.js';

export type AttrValue = string | number | boolean | string[];

/** A `sub` as request tokens and request documents carry it: `user:<id>` or `system:<id>`. */
export const ACTOR_SUBJECT = /^(user|system):[A-Za-z0-9._@:-]{1,128}$/;

/** Who is acting, as vouched for by a verified request token. Passed explicitly to every command and query. */
export interface Principal {
  /** Organisation id (`iss`). */
  readonly org: string;
  readonly orgKind: OrgKind;
  /** `user:<id>` or `system:<id>`. */
  readonly sub: string;
  /** Roles effective for this organisation's kind. */
  readonly roles: readonly Role[];
  /** Roles as claimed in the token (for the log). */
  readonly claimedRoles: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** Justification from the token's `reason` claim. */
  readonly reason: string | undefined;
  readonly breakGlass: boolean;
  readonly jti: string;
  readonly requestId: string;
  /** The registered key (`kid`) that signed the request token; absent where no token was used. */
  readonly kid?: string;
  /**
   * Set for a person signed in through their organisation's identity provider: its issuer. The
   * person acts under the same rules as a signed request; the log names the IdP beside their `sub`.
   */
  readonly idp?: string;
}

/** The actor of a log entry made by `p`: organisation, subject, effective roles and (for a signed-in person) the IdP. */
export function logActor(p: Pick<Principal, 'org' | 'sub' | 'roles' | 'idp'>): {
  org: string;
  sub: string;
  roles: readonly Role[];
  idp?: string;
} {
  return p.idp === undefined
    ? { org: p.org, sub: p.sub, roles: p.roles }
    : { org: p.org, sub: p.sub, roles: p.roles, idp: p.idp };
}

export function hasRole(p: Principal, ...roles: Role[]): boolean {
  return roles.some((r) => p.roles.includes(r));
}
