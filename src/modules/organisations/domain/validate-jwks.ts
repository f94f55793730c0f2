import { thumbprint, validatePublicJwk, type PublicJwk } from '@shared/crypto/jwk.js';
import type { FieldError } from '@shared/errors/index.js';
import { OrganisationException, OrganisationExceptionCode } from './organisation.exception.js';
import { PERSON_KID_PREFIX } from './person-key.js';

/** Validates every JWK of a key set, naming each bad one (and each repeated kid) by its position under `field`. */
export async function validateKeySet(
  keys: unknown[],
  field: string,
): Promise<{ jwk: PublicJwk; thumbprint: string }[]> {
  const errors: FieldError[] = [];
  const out: { jwk: PublicJwk; thumbprint: string }[] = [];
  const seen = new Map<string, number>();
  let duplicates = 0;
  for (const [i, k] of keys.entries()) {
    const r = await validatePublicJwk(k);
    if (!r.ok) {
      errors.push({ field: `${field}[${i}]`, message: r.problem });
      continue;
    }
    // Personal keys' kids have their own prefix, so an organisation key can never take a person key's kid.
    if (r.jwk.kid.startsWith(PERSON_KID_PREFIX)) {
      errors.push({
        field: `${field}[${i}].kid`,
        message: `must not start with "${PERSON_KID_PREFIX}" (personal keys' prefix)`,
      });
      continue;
    }
    // Checked here as well as on the aggregate so the error names the field as the client sent it.
    const first = seen.get(r.jwk.kid);
    if (first !== undefined) {
      duplicates++;
      errors.push({ field: `${field}[${i}].kid`, message: `must be unique (${field}[${first}] has the same kid)` });
    }
    seen.set(r.jwk.kid, first ?? i);
    out.push({ jwk: r.jwk, thumbprint: await thumbprint(r.jwk) });
  }
  if (errors.length) {
    // duplicate_kid only when every problem is a repeated kid; anything else is an invalid key.
    const code =
      duplicates === errors.length ? OrganisationExceptionCode.DuplicateKid : OrganisationExceptionCode.InvalidKey;
    throw new OrganisationException(code, `Invalid key: ${errors[0].field} ${errors[0].message}.`, errors);
  }
  return out;
}
