import type { OrgKind, Role } from '@shared/auth/roles.js';
import type { ClaimMapping } from '@modules/people/index.js';
import { DEMO_ORGANISATIONS } from './demo-organisations.js';

/** A demonstration person: who they are at their organisation's identity provider. */
export interface DemoPerson {
  username: string;
  password: string;
  org: string;
  name: string;
  role: Role;
  /** What their job is, in the words of the demo sign-in page. */
  job: string;
  force?: string;
}

/** Everyone of the demo, whatever their password: it is printed on the demo sign-in page. */
export const DEMO_PASSWORD = 'demo';

const PEOPLE_BY_KIND: Record<OrgKind, { role: Role; job: string; names: string[] }[]> = {
  POLICE: [
    { role: 'iom-officer', job: 'IOM police officer', names: ['PC Sam Hardy', 'PC Ruth Okafor', 'PC Dan Lowe'] },
    { role: 'data-owner', job: 'data owner', names: ['Insp. Maria Lee', 'Insp. Tom Reid', 'Insp. Aisha Khan'] },
    {
      role: 'dsa-signatory',
      job: 'data-sharing signatory',
      names: ['Supt. Hugh Grant', 'Supt. Jo Marsh', 'Supt. Ian Bell'],
    },
    { role: 'ig-reviewer', job: 'information governance', names: ['Priya Shah', 'Owen Price', 'Lucy Ward'] },
  ],
  NPS: [
    { role: 'offender-manager', job: 'offender manager', names: ['Alex Morgan'] },
    { role: 'data-owner', job: 'data owner', names: ['Beth Collins'] },
    { role: 'dsa-signatory', job: 'data-sharing signatory', names: ['Chris Dunn'] },
    { role: 'ig-reviewer', job: 'information governance', names: ['Dee Ellis'] },
  ],
  CRC: [
    { role: 'offender-manager', job: 'offender manager', names: ['Erin Fox', 'Gus Hale'] },
    { role: 'data-owner', job: 'data owner', names: ['Faye Gill', 'Hal Irwin'] },
    { role: 'dsa-signatory', job: 'data-sharing signatory', names: ['Gail Hunt', 'Ivy James'] },
    { role: 'ig-reviewer', job: 'information governance', names: ['Hugo Ives', 'Jay Kerr'] },
  ],
  GATEWAY: [],
};

/** The demo people: for each demo organisation, one person per job its kind has. */
export const DEMO_PEOPLE: DemoPerson[] = (() => {
  const seen = new Map<OrgKind, number>();
  return DEMO_ORGANISATIONS.flatMap((o) => {
    const n = seen.get(o.kind) ?? 0;
    seen.set(o.kind, n + 1);
    return PEOPLE_BY_KIND[o.kind].map((p) => ({
      username: `${p.role}@${o.id}`,
      password: DEMO_PASSWORD,
      org: o.id,
      name: p.names[n % p.names.length],
      role: p.role,
      job: p.job,
      ...(o.force ? { force: o.force } : {}),
    }));
  });
})();

/**
 * How the gateway reads the demo IdP's claims for `orgId`: the `org` claim must name it, and the
 * roles are those its demo people hold (all roles its kind can hold, as registration requires).
 */
export function demoClaimMapping(orgId: string): ClaimMapping {
  const held = DEMO_PEOPLE.filter((p) => p.org === orgId).map((p) => p.role);
  const roles = Object.fromEntries([...new Set(held)].map((r) => [r, r])) as Record<string, Role>;
  return { rolesClaim: 'groups', roles, attributes: { force: 'force' }, required: { org: orgId } };
}
