import { SPECIAL_CATEGORIES, type DataCategory, type Purpose } from '@shared/domain/vocabulary.js';

/** The agreement named by a request, as the agreements module describes it (current version). */
export interface NamedAgreement {
  id: string;
  status: string;
  parties: readonly { org: string; role: 'PROVIDER' | 'RECIPIENT' | 'BOTH' }[];
  purposes: readonly string[];
  dataCategories: readonly DataCategory[];
  specialCategoryConditions: Partial<Record<DataCategory, string>>;
  validFrom: Date;
  validTo: Date;
}

/** The version in force of that agreement, when it covers provider -> requester for the purpose. */
export interface InForce {
  id: string;
  version: number;
  dataCategories: readonly DataCategory[];
  specialCategoryConditions: Partial<Record<DataCategory, string>>;
  retentionDays: number;
}

export interface RequestScope {
  agreementId: string;
  requester: string;
  provider: string;
  purpose: Purpose;
  categories: readonly DataCategory[];
}

export type AgreementCheck =
  { ok: true; version: number; retentionDays: number; covered: DataCategory[] } | { ok: false; problems: string[] };

/** Whether `terms` let `category` flow: named, and for a special category, with the condition relied on. */
export function coversCategory(
  terms: Pick<InForce, 'dataCategories' | 'specialCategoryConditions'>,
  category: DataCategory,
): boolean {
  if (!terms.dataCategories.includes(category)) return false;
  return !SPECIAL_CATEGORIES.includes(category) || !!terms.specialCategoryConditions[category]?.trim();
}

/**
 * The agreement test every exchange passes, at submission and again at release: the agreement
 * the request names must be in force (ACTIVE, or a signed version still in force while an
 * amendment is signed), name the provider as PROVIDER or BOTH, the requester as RECIPIENT or
 * BOTH, the purpose, and every requested category (a special category with its condition).
 * `inForce` is the authoritative answer of the agreements module's coverage query for exactly
 * this agreement, provider, recipient and purpose; `named` only explains a refusal.
 *
 * The problems are worded for the requester. An agreement the requester is not a party to is
 * described exactly as one that does not exist, so the answer does not reveal who shares with whom.
 */
export function checkAgreement(
  named: NamedAgreement | null,
  inForce: InForce | null,
  scope: RequestScope,
): AgreementCheck {
  if (!inForce) return { ok: false, problems: explainNotInForce(named, scope) };
  const problems: string[] = [];
  for (const c of scope.categories) {
    if (!inForce.dataCategories.includes(c))
      problems.push(`agreement ${inForce.id} does not cover the data category ${c}`);
    else if (!coversCategory(inForce, c))
      problems.push(`agreement ${inForce.id} names the special category ${c} without the condition relied on`);
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, version: inForce.version, retentionDays: inForce.retentionDays, covered: [...scope.categories] };
}

/** Why the coverage query found no version in force, explained from the agreement's current terms. */
export function explainNotInForce(named: NamedAgreement | null, scope: RequestScope): string[] {
  if (!named || !named.parties.some((p) => p.org === scope.requester)) {
    return [`agreement ${scope.agreementId} is not a data-sharing agreement to which ${scope.requester} is a party`];
  }
  const problems: string[] = [];
  const party = (org: string) => named.parties.find((p) => p.org === org);
  const provider = party(scope.provider);
  const requester = party(scope.requester);
  if (!provider || provider.role === 'RECIPIENT')
    problems.push(`agreement ${named.id} does not name ${scope.provider} as a provider`);
  if (!requester || requester.role === 'PROVIDER')
    problems.push(`agreement ${named.id} does not name ${scope.requester} as a recipient`);
  if (!named.purposes.includes(scope.purpose))
    problems.push(`agreement ${named.id} does not cover the purpose ${scope.purpose}`);
  if (!problems.length)
    problems.push(
      `agreement ${named.id} is not in force (status ${named.status}, valid ${named.validFrom.toISOString()} to ${named.validTo.toISOString()})`,
    );
  return problems;
}
