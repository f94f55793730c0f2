import { effectiveRoles, type OrgKind, type Role } from '@shared/auth/roles.js';

/**
 * How an organisation's identity provider's claims become a person's roles and attributes at the
 * gateway. Registered with the IdP; the organisation decides it, the gateway enforces it.
 */
export interface ClaimMapping {
  /** The claim holding the person's groups or roles at the IdP (a string or an array of strings). */
  rolesClaim: string;
  /** IdP value -> gateway role. A value not listed grants nothing. */
  roles: Record<string, Role>;
  /** Gateway attribute (e.g. `force`, `team`) -> the IdP claim that holds it. */
  attributes: Record<string, string>;
  /**
   * Claims that must hold exactly this value, or the sign-in is refused: for an IdP that serves
   * several organisations, the claim that says which organisation the person belongs to.
   */
  required: Record<string, string>;
}

/** What a person is at the gateway, from their ID token's claims. */
export interface MappedPerson {
  sub: string;
  name: string | null;
  roles: Role[];
  attributes: Record<string, string>;
}

export type MappingResult = { ok: true; person: MappedPerson } | { ok: false; reason: string };

/**
 * Maps verified ID-token claims through `mapping` for an organisation of `kind`. Roles the kind
 * cannot hold are dropped, as for signed requests (effectiveRoles); a person with no role left
 * is refused, as is one missing a required claim value.
 */
export function mapClaims(kind: OrgKind, mapping: ClaimMapping, claims: Record<string, unknown>): MappingResult {
  if (typeof claims.sub !== 'string' || !claims.sub) return { ok: false, reason: 'the ID token names no subject' };
  for (const [claim, value] of Object.entries(mapping.required))
    if (claims[claim] !== value) return { ok: false, reason: `the identity provider does not vouch for ${claim}` };
  const raw = claims[mapping.rolesClaim];
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
  const roles = effectiveRoles(
    kind,
    values.flatMap((v) => (Object.hasOwn(mapping.roles, v) ? [mapping.roles[v]] : [])),
  );
  if (!roles.length) return { ok: false, reason: 'no role at the gateway is granted to you' };
  const attributes: Record<string, string> = {};
  for (const [attr, claim] of Object.entries(mapping.attributes))
    if (typeof claims[claim] === 'string') attributes[attr] = claims[claim];
  return {
    ok: true,
    person: { sub: claims.sub, name: typeof claims.name === 'string' ? claims.name : null, roles, attributes },
  };
}
