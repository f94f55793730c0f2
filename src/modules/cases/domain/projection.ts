import type { CaseView } from '@modules/policies/index.js';
import { NEED_AREAS, ogrs3Band, type Assessment, type CaseRecord } from './case.types.js';

/**
 * Builds the response body from the released field names only: a withheld field is absent,
 * never null or masked, and the projection cannot leak what the decision did not allow.
 */
export function project(
  view: CaseView,
  c: CaseRecord,
  a: Assessment | null,
  released: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const has = (f: string) => released.has(f);
  if (view === 'case') {
    const person: Record<string, unknown> = {};
    if (has('person.givenName')) person.givenName = c.person.givenName;
    if (has('person.familyName')) person.familyName = c.person.familyName;
    if (has('person.dateOfBirth')) person.dateOfBirth = c.person.dateOfBirth;
    if (has('person.pncId') && c.person.pncId) person.pncId = c.person.pncId;
    if (Object.keys(person).length) out.person = person;
  }
  if (has('managingOrg')) out.managingOrg = c.managingOrg;
  if (has('tier')) out.tier = c.tier;
  if (has('rosh')) out.rosh = a ? a.rosh : c.rosh;
  const mappa: Record<string, unknown> = {};
  if (c.mappa && has('mappa.category')) mappa.category = c.mappa.category;
  if (c.mappa && has('mappa.level')) mappa.level = c.mappa.level;
  if (has('mappa.category') || has('mappa.level')) out.mappa = c.mappa ? mappa : null;
  if (view === 'case' && has('iom')) out.iom = c.iom;
  if (a) {
    const scores: Record<string, unknown> = {};
    if (has('scores.ogrs3TwoYear')) scores.ogrs3TwoYear = a.scores.ogrs3TwoYear;
    if (has('scores.ogrs3Band')) scores.ogrs3Band = ogrs3Band(a.scores.ogrs3TwoYear);
    if (has('scores.ogp')) scores.ogp = a.scores.ogp;
    if (has('scores.ovp')) scores.ovp = a.scores.ovp;
    if (has('scores.rsr')) scores.rsr = a.scores.rsr;
    if (Object.keys(scores).length) {
      if (has('scores.ogrs3TwoYear') || has('scores.ogp') || has('scores.ovp') || has('scores.rsr'))
        scores.algorithmVersion = a.scores.algorithmVersion;
      out.scores = scores;
    }
    if (has('needs')) {
      out.needs = NEED_AREAS.map((area) => {
        const n = a.needs[area];
        const item: Record<string, unknown> = {
          area,
          severity: n.severity,
          linkedToHarm: n.linkedToHarm,
          linkedToReoffending: n.linkedToReoffending,
        };
        if (view === 'case' && has('needs.notes') && n.notes) item.notes = n.notes;
        return item;
      });
    }
    const plan: Record<string, unknown> = {};
    if (has('riskManagementPlan.summary')) plan.summary = a.riskManagementPlan.summary;
    if (has('riskManagementPlan.actions')) plan.actions = a.riskManagementPlan.actions;
    if (Object.keys(plan).length) out.riskManagementPlan = plan;
    if (has('assessedAt')) out.assessedAt = a.completedAt.toISOString();
    if (view === 'case') {
      const sensitive: Record<string, unknown> = {};
      if (has('sensitive.health') && a.sensitive?.health) sensitive.health = a.sensitive.health;
      if (has('sensitive.victims') && a.sensitive?.victims) sensitive.victims = a.sensitive.victims;
      if (Object.keys(sensitive).length) out.sensitive = sensitive;
    }
  }
  if (has('licenceConditions')) out.licenceConditions = c.licenceConditions;
  return out;
}
