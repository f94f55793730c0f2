/** The roles an organisation may grant its actors (docs/api.md, Authentication). */
export const ROLES = [
  'system',
  'offender-manager',
  'iom-officer',
  'mappa-coordinator',
  'data-owner',
  'dsa-signatory',
  'ig-reviewer',
  'gateway-admin',
] as const;
export type Role = (typeof ROLES)[number];

export const ORG_KINDS = ['NPS', 'CRC', 'POLICE', 'GATEWAY'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/**
 * Which roles each kind of organisation can make effective. A token may claim any role, but a
 * role outside this table is dropped: a CRC cannot make itself an `iom-officer`, and only the
 * operator can be `gateway-admin`.
 */
export const ROLES_BY_KIND: Record<OrgKind, readonly Role[]> = {
  NPS: ['system', 'offender-manager', 'mappa-coordinator', 'data-owner', 'dsa-signatory', 'ig-reviewer'],
  CRC: ['system', 'offender-manager', 'data-owner', 'dsa-signatory', 'ig-reviewer'],
  POLICE: ['system', 'iom-officer', 'mappa-coordinator', 'data-owner', 'dsa-signatory', 'ig-reviewer'],
  GATEWAY: ['gateway-admin', 'ig-reviewer'],
};

export function effectiveRoles(kind: OrgKind, claimed: readonly string[]): Role[] {
  const allowed = ROLES_BY_KIND[kind];
  return [...new Set(claimed)].filter((r): r is Role => (allowed as readonly string[]).includes(r));
}

/** Whether `roles` hold one of a route's @Roles (`required`); a route that names none allows any. */
export function allowsRoles(required: readonly Role[] | undefined, roles: readonly string[]): boolean {
  return !required?.length || required.some((r) => roles.includes(r));
}
