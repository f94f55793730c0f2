import { thumbprint, validatePublicJwk, type PublicJwk } from '@shared/crypto/jwk.js';
import type { FieldError } from '@shared/errors/index.js';
import { OrganisationException, OrganisationExceptionCode } from './organisation.exception.js';

/** Validates every JWK of a key set, naming each bad one by its position under `field`. */
export async function validateKeySet(keys: unknown[], field: string): Promise<{ jwk: PublicJwk; thumbprint: string }[]> {
  const errors: FieldError[] = [];
  const out: { jwk: PublicJwk; thumbprint: string }[] = [];
  for (const [i, k] of keys.entries()) {
    const r = await validatePublicJwk(k);
    if (!r.ok) errors.push({ field: `${field}[${i}]`, message: r.problem });
    else out.push({ jwk: r.jwk, thumbprint: await thumbprint(r.jwk) });
  }
  if (errors.length) throw new OrganisationException(OrganisationExceptionCode.InvalidKey, `Invalid key: ${errors[0].field} ${errors[0].message}.`, errors);
  return out;
}
