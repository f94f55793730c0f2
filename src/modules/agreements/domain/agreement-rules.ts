import type { FieldError } from '@shared/errors/index.js';
import { SPECIAL_CATEGORIES } from '@shared/domain/vocabulary.js';
import { addMonths } from './review-schedule.js';
import { isProvider, isRecipient, type AgreementTerms, type SpecialCategory } from './agreement-terms.js';

/**
 * The rules a set of terms must keep beyond the shape the DTO checks: coherent dates, distinct
 * parties with someone to give and someone to receive, a condition for every special category,
 * and no lawful basis or condition for something the agreement does not cover. Returns every
 * broken rule, naming the field, so a drafter can fix them all at once.
 */
export function checkTerms(t: AgreementTerms, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });

  if (t.validFrom.getTime() >= t.validTo.getTime()) err('validTo', 'must be after validFrom');
  if (t.validTo.getTime() <= now.getTime()) err('validTo', 'must be in the future');
  if (t.reviewBy.getTime() < t.validFrom.getTime() || t.reviewBy.getTime() > t.validTo.getTime())
    err('reviewBy', 'must fall between validFrom and validTo');
  if (
    t.reviewIntervalMonths !== null &&
    addMonths(t.validFrom, t.reviewIntervalMonths).getTime() < t.reviewBy.getTime()
  )
    err(
      'reviewBy',
      'must fall within reviewIntervalMonths of validFrom (the first review is not later than the schedule)',
    );

  const seen = new Set<string>();
  t.parties.forEach((p, i) => {
    if (seen.has(p.org)) err(`parties[${i}].org`, `"${p.org}" appears more than once`);
    seen.add(p.org);
  });
  const pairExists = t.parties.some((p) => isProvider(p) && t.parties.some((r) => isRecipient(r) && r.org !== p.org));
  if (!pairExists)
    err('parties', 'must include at least one PROVIDER (or BOTH) and a different RECIPIENT (or BOTH) organisation');

  for (const c of SPECIAL_CATEGORIES as readonly SpecialCategory[]) {
    const condition = t.specialCategoryConditions[c];
    if (t.dataCategories.includes(c) && !condition?.trim())
      err(
        `specialCategoryConditions.${c}`,
        `is required because dataCategories includes ${c} (special category data needs a stated condition)`,
      );
    if (!t.dataCategories.includes(c) && condition !== undefined)
      err(`specialCategoryConditions.${c}`, `must be left out: dataCategories does not include ${c}`);
  }

  for (const purpose of Object.keys(t.lawfulBasisByPurpose)) {
    if (!(t.purposes as string[]).includes(purpose))
      err(`lawfulBasisByPurpose.${purpose}`, `must be left out: purposes does not include ${purpose}`);
  }

  t.contacts.forEach((c, i) => {
    if (!seen.has(c.org)) err(`contacts[${i}].org`, 'must be one of the parties');
  });
  return errors;
}
