import type { DataCategory } from '@shared/domain/vocabulary.js';
import { FIELD_CATEGORIES, fieldsOf, type CaseView } from '@modules/policies/index.js';
import { coversCategory, type InForce } from './agreement-check.js';

/** Exchanges release the case view: the only one holding every category (identity, health, victims). */
export const EXCHANGE_VIEW: CaseView = 'case';

export interface ReleasePlan {
  released: string[];
  withheld: string[];
}

/**
 * Which fields leave with an exchange response. A field is released only if all of these hold:
 *
 * 1. its category was requested (data minimisation: nothing beyond the signed request);
 * 2. the agreement the request names, in the version in force at release time, covers the
 *    category for provider -> requester and the purpose (special categories with their
 *    condition). This check is never bypassed, by anyone;
 * 3. the release is authorised, one of:
 *    - automatic: the policies release the field to the requester for this CRN and purpose right
 *      now (`policyReleased`, from the same decision a direct read would get), or
 *    - a data owner of the provider approved the request: the approval stands in for the
 *      relationship (IOM cohort, MAPPA, transfer...) the policies would otherwise need, for the
 *      requested categories only (`policyReleased` undefined).
 *
 * Every other field of the case view is withheld and named.
 */
export function planRelease(p: {
  requested: readonly DataCategory[];
  agreement: Pick<InForce, 'dataCategories' | 'specialCategoryConditions'>;
  policyReleased?: readonly string[];
}): ReleasePlan {
  const all = fieldsOf(EXCHANGE_VIEW);
  const allowedByPolicy = p.policyReleased ? new Set(p.policyReleased) : null;
  const released = all.filter((f) => {
    const category = FIELD_CATEGORIES[f].category;
    return (
      p.requested.includes(category) &&
      coversCategory(p.agreement, category) &&
      (allowedByPolicy === null || allowedByPolicy.has(f))
    );
  });
  const set = new Set(released);
  return { released, withheld: all.filter((f) => !set.has(f)) };
}

/** Whether an automatic decision would release something of every requested category. */
export function releasesEveryCategory(requested: readonly DataCategory[], released: readonly string[]): boolean {
  return requested.every((c) => released.some((f) => FIELD_CATEGORIES[f].category === c));
}
