import type { OrgKind } from '@shared/auth/roles.js';

/** The relationships that can tie an actor to a case. A policy rule names the one it needs. */
export const RELATIONSHIPS = ['manages', 'iom-cohort', 'mappa', 'transfer-party', 'escalation', 'break-glass'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

/** What the decision needs to know about the actor. */
export interface ActorFacts {
  org: string;
  orgKind: OrgKind;
  orgRegion?: string;
  roles: readonly string[];
  attrs: Readonly<Record<string, unknown>>;
  breakGlass: boolean;
}

/** What the decision needs to know about the case: attributes only, never content. */
export interface CaseFacts {
  crn: string;
  managingOrg: string;
  managingOrgKind: OrgKind;
  managingOrgRegion?: string;
  restricted: boolean;
  iom: { cohort: boolean; force: string } | null;
  mappa: { category: number; level: number } | null;
  /** Organisations on either side of a pending transfer. */
  transferParties: readonly string[];
  /** A CRC case whose RoSH rose to HIGH/VERY_HIGH and awaits transfer to the NPS. */
  escalated: boolean;
}

/**
 * The police force an organisation speaks for. Police organisations are registered as
 * `police-<force>`; a token's `attrs.force` must agree, so a force cannot claim another's cohort.
 */
export function forceOf(actor: ActorFacts): string | null {
  if (actor.orgKind !== 'POLICE' || !actor.org.startsWith('police-')) return null;
  const own = actor.org.slice('police-'.length);
  const claimed = actor.attrs.force;
  if (claimed !== undefined && claimed !== own) return null;
  return own;
}

/** Which relationships hold between this actor and this case right now. */
export function relationshipsOf(actor: ActorFacts, c: CaseFacts): Set<Relationship> {
  const r = new Set<Relationship>();
  if (actor.org === c.managingOrg) r.add('manages');
  const force = forceOf(actor);
  if (force && c.iom?.cohort && c.iom.force === force) r.add('iom-cohort');
  if (c.mappa && actor.roles.includes('mappa-coordinator')) r.add('mappa');
  if (c.transferParties.includes(actor.org) && actor.org !== c.managingOrg) r.add('transfer-party');
  // Deny by default: without both regions known, no NPS region can claim the escalation.
  if (c.escalated && actor.orgKind === 'NPS' && !!c.managingOrgRegion && c.managingOrgRegion === actor.orgRegion) r.add('escalation');
  if (actor.breakGlass && (actor.orgKind === 'NPS' || actor.orgKind === 'CRC')) r.add('break-glass');
  return r;
}
