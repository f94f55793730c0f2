import { createHash } from 'node:crypto';
import { canonicalJson } from '@shared/crypto/canonical-json.js';
import type { AgreementTerms } from './agreement-terms.js';
import { formatRfc3339, parseRfc3339 } from '@shared/domain/rfc3339.js';

/** The `type` member of every agreement document, so a signature over one cannot pass for anything else. */
export const AGREEMENT_DOCUMENT_TYPE = 'probation-gateway/data-sharing-agreement';

/**
 * The signed form of one version: the agreement id, the version and every term, as RFC 8785
 * canonical JSON. Status and signatures are not part of it: they are facts about the
 * document, not terms of it. The exact text is stored with the version and served as is, so
 * what a party signed can be reproduced byte for byte whatever later code does.
 *
 * `dpiaReference` and `reviewIntervalMonths` came later: they are members of the document only
 * when set, so the terms read back from an older document render to that same document.
 */
export function renderDocument(id: string, version: number, t: AgreementTerms): string {
  return canonicalJson({
    type: AGREEMENT_DOCUMENT_TYPE,
    id,
    version,
    title: t.title,
    parties: t.parties.map((p) => ({ org: p.org, role: p.role, controller: p.controller })),
    purposes: t.purposes,
    dataCategories: t.dataCategories,
    lawfulBasis: t.lawfulBasis,
    lawfulBasisByPurpose: t.lawfulBasisByPurpose,
    specialCategoryConditions: t.specialCategoryConditions,
    retentionDays: t.retentionDays,
    securityMeasures: t.securityMeasures,
    validFrom: formatRfc3339(t.validFrom),
    validTo: formatRfc3339(t.validTo),
    reviewBy: formatRfc3339(t.reviewBy),
    reviewIntervalMonths: t.reviewIntervalMonths ?? undefined,
    dpiaReference: t.dpiaReference ?? undefined,
    contacts: t.contacts.map((c) => ({ org: c.org, name: c.name, email: c.email, role: c.role })),
    termination: t.termination,
  });
}

/** Reads the terms back out of a stored document (the document is the single source of a version's terms). */
export function termsFromDocument(document: string): AgreementTerms {
  const d = JSON.parse(document) as Omit<
    AgreementTerms,
    'validFrom' | 'validTo' | 'reviewBy' | 'reviewIntervalMonths' | 'dpiaReference'
  > & {
    validFrom: string;
    validTo: string;
    reviewBy: string;
    reviewIntervalMonths?: number;
    dpiaReference?: string;
  };
  return {
    title: d.title,
    parties: d.parties,
    purposes: d.purposes,
    dataCategories: d.dataCategories,
    lawfulBasis: d.lawfulBasis,
    lawfulBasisByPurpose: d.lawfulBasisByPurpose ?? {},
    specialCategoryConditions: d.specialCategoryConditions ?? {},
    retentionDays: d.retentionDays,
    securityMeasures: d.securityMeasures ?? [],
    validFrom: storedDate(d.validFrom, 'validFrom'),
    validTo: storedDate(d.validTo, 'validTo'),
    reviewBy: storedDate(d.reviewBy, 'reviewBy'),
    reviewIntervalMonths: d.reviewIntervalMonths ?? null,
    dpiaReference: d.dpiaReference ?? null,
    contacts: d.contacts ?? [],
    termination: d.termination ?? null,
  };
}

/**
 * A date of a stored document: written by formatRfc3339 from a date parseRfc3339 accepted, so it
 * parses back. A document that does not is damage, named here rather than met later as a null.
 */
function storedDate(v: string, member: string): Date {
  const at = parseRfc3339(v);
  if (!at) throw new Error(`stored agreement document: ${member} ${JSON.stringify(v)} is not an RFC 3339 date-time`);
  return at;
}

export function sha256Base64url(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('base64url');
}
