import type { Principal } from '@shared/auth/principal.js';
import { hasRole } from '@shared/auth/principal.js';
import { ValidationException, type FieldError } from '@shared/errors/index.js';
import type { OrganisationDirectory } from '@modules/organisations/index.js';
import { checkTerms } from '../../domain/agreement-rules.js';
import type { AgreementTerms } from '../../domain/agreement-terms.js';
import { AgreementException, AgreementExceptionCode } from '../../domain/agreement.exception.js';

/**
 * Everything about proposed terms that needs more than the terms: each party is a registered,
 * active partner (not the operator), and a party's signatory drafts or amends only agreements
 * its own organisation stays party to (the operator's gateway-admin may draft for anyone).
 * Reports party problems together with the aggregate's own rules, so one 400 names them all.
 */
export async function assertProposable(
  p: Principal,
  terms: AgreementTerms,
  directory: OrganisationDirectory,
  now: Date,
): Promise<void> {
  const operator = p.orgKind === 'GATEWAY' && hasRole(p, 'gateway-admin');
  if (!operator && !terms.parties.some((x) => x.org === p.org)) {
    throw new AgreementException(
      AgreementExceptionCode.ActionForbidden,
      `A dsa-signatory may only propose terms to which its own organisation ("${p.org}") is a party.`,
    );
  }
  const errors: FieldError[] = [];
  const orgs = await Promise.all(terms.parties.map((x) => directory.get(x.org)));
  terms.parties.forEach((x, i) => {
    const o = orgs[i];
    if (!o) errors.push({ field: `parties[${i}].org`, message: `"${x.org}" is not a registered organisation` });
    else if (o.kind === 'GATEWAY')
      errors.push({
        field: `parties[${i}].org`,
        message: 'the gateway operator cannot be a party to a data-sharing agreement',
      });
    else if (o.status !== 'ACTIVE') errors.push({ field: `parties[${i}].org`, message: `"${x.org}" is suspended` });
  });
  errors.push(...checkTerms(terms, now));
  if (errors.length)
    throw new ValidationException(
      errors,
      `The agreement terms are invalid: ${[...new Set(errors.map((e) => e.field))].slice(0, 5).join(', ')}.`,
    );
}
