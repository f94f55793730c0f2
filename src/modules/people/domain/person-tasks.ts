import type { OrgKind, Role } from '@shared/auth/roles.js';

/** A page a signed-in person can use, as their home page lists it. */
export interface PersonTask {
  href: string;
  text: string;
  hint: string;
}

interface TaskRule extends PersonTask {
  roles: readonly Role[];
  /** Only people of organisations of these kinds (all kinds when absent). */
  kinds?: readonly OrgKind[];
}

/** Every page for people, by the roles that may use it, in the order the home page lists them. */
const TASKS: readonly TaskRule[] = [
  {
    href: '/find-a-person',
    text: 'Find a person',
    hint: 'By CRN, PNC number, or name and date of birth. Says whether you may see their case, and how to ask if not.',
    roles: ['iom-officer', 'offender-manager'],
  },
  {
    href: '/cohort',
    text: 'Your force’s IOM cohort',
    hint: 'The people in your force’s Integrated Offender Management cohort, with what you may see of each.',
    roles: ['iom-officer'],
    kinds: ['POLICE'],
  },
  {
    href: '/requests',
    text: 'Your requests for information',
    hint: 'What you asked other organisations for, their status and deadlines, and the verified responses.',
    roles: ['iom-officer', 'offender-manager'],
  },
  {
    href: '/requests/incoming',
    text: 'Requests to decide',
    hint: 'Requests for your organisation’s information, URGENT first, with the time left to answer.',
    roles: ['data-owner'],
  },
  {
    href: '/signing',
    text: 'Agreements to sign',
    hint: 'Data-sharing agreements awaiting your organisation’s signature, with what changed since the last version.',
    roles: ['dsa-signatory'],
  },
  {
    href: '/signing/keys',
    text: 'Your signing keys',
    hint: 'Make a key in this browser to sign agreements or requests; your organisation approves it first.',
    roles: ['dsa-signatory', 'iom-officer', 'offender-manager', 'mappa-coordinator'],
  },
  {
    href: '/ig',
    text: 'Information governance console',
    hint: 'Who has seen your organisation’s data, misuse flags, agreements, breaches and retention.',
    roles: ['ig-reviewer'],
  },
];

/** The pages a person with `roles` at an organisation of `kind` can use. */
export function tasksFor(kind: OrgKind, roles: readonly Role[]): PersonTask[] {
  return TASKS.filter((t) => t.roles.some((r) => roles.includes(r)) && (!t.kinds || t.kinds.includes(kind))).map(
    ({ href, text, hint }) => ({ href, text, hint }),
  );
}
