import { ValidationException, type FieldError } from '@shared/errors/index.js';
import type { Purpose } from '@shared/domain/vocabulary.js';
import type { AgreementTerms, SpecialCategory } from '../../domain/agreement-terms.js';
import { parseRfc3339 } from '@shared/domain/rfc3339.js';
import type { AgreementTermsDto } from './agreement-terms.dto.js';

/**
 * Turns validated input into plain terms: dates parsed strictly (a 31 February passes the
 * DTO's pattern but not this), optional members defaulted, and absent optional keys dropped
 * so they do not reach the signed document.
 */
export function toTerms(dto: AgreementTermsDto): AgreementTerms {
  const errors: FieldError[] = [];
  const date = (field: 'validFrom' | 'validTo' | 'reviewBy'): Date => {
    const d = parseRfc3339(dto[field]);
    if (!d) errors.push({ field, message: `${field} must be a valid RFC 3339 date-time` });
    return d ?? new Date(0);
  };
  const validFrom = date('validFrom');
  const validTo = date('validTo');
  const reviewBy = date('reviewBy');
  if (errors.length)
    throw new ValidationException(errors, `The request is invalid: ${errors.map((e) => e.field).join(', ')}.`);

  const byPurpose: Partial<Record<Purpose, string[]>> = {};
  for (const [k, v] of Object.entries(dto.lawfulBasisByPurpose ?? {}))
    if (v !== undefined) byPurpose[k as Purpose] = [...(v as string[])];
  const conditions: Partial<Record<SpecialCategory, string>> = {};
  for (const [k, v] of Object.entries(dto.specialCategoryConditions ?? {}))
    if (v !== undefined) conditions[k as SpecialCategory] = v as string;

  return {
    title: dto.title.trim(),
    parties: dto.parties.map((p) => ({ org: p.org, role: p.role, controller: p.controller ?? true })),
    purposes: [...dto.purposes],
    dataCategories: [...dto.dataCategories],
    lawfulBasis: [...dto.lawfulBasis],
    lawfulBasisByPurpose: byPurpose,
    specialCategoryConditions: conditions,
    retentionDays: dto.retentionDays,
    securityMeasures: [...(dto.securityMeasures ?? [])],
    validFrom,
    validTo,
    reviewBy,
    reviewIntervalMonths: dto.reviewIntervalMonths ?? null,
    dpiaReference: dto.dpiaReference?.trim() ?? null,
    contacts: (dto.contacts ?? []).map((c) => ({ org: c.org, name: c.name, email: c.email, role: c.role ?? null })),
    termination: dto.termination
      ? { noticeDays: dto.termination.noticeDays, dataOnTermination: dto.termination.dataOnTermination }
      : null,
  };
}
