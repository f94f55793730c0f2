import { compactVerify, type ProtectedHeaderParameters } from 'jose';
import { findUnstorableText, parseJwsJson } from '@shared/http/storable-text.js';
import type { OrganisationDirectory } from '@modules/organisations/index.js';
import { sha256Base64url } from '../../domain/agreement-document.js';
import { AgreementException, AgreementExceptionCode } from '../../domain/agreement.exception.js';

const ALGORITHMS: Record<string, string[]> = { ES256: ['ES256'], EdDSA: ['EdDSA', 'Ed25519'] };

const invalid = (detail: string) => new AgreementException(AgreementExceptionCode.SignatureInvalid, detail);

/**
 * Verifies a compact JWS as a signature of `org`: the header's kid must name a key that `org`
 * had registered and active at `at` (so another organisation's key fails here, whatever it
 * signed), the algorithm must be that key's (ES256 or EdDSA), and the signature must hold.
 * Returns the signed bytes' hash (the caller compares it with the versions' documents).
 * Keys named by jwk, jku, x5u or x5c headers are never used: only the registry's.
 */
export async function verifyAgreementSignature(jws: string, org: string, at: Date, directory: OrganisationDirectory): Promise<{ kid: string; alg: string; payloadSha256: string }> {
  let header: ProtectedHeaderParameters;
  try {
    header = parseJwsJson(jws.split('.')[0]) as ProtectedHeaderParameters;
  } catch {
    throw invalid('The JWS protected header cannot be decoded.');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw invalid('The JWS protected header must be a JSON object.');
  // The kid is looked up in the database and stored with the signature.
  const unstorable = findUnstorableText(header, 'header');
  if (unstorable) throw invalid(`The JWS protected header holds text that cannot be accepted: ${unstorable.field} ${unstorable.message}.`);
  if (typeof header.kid !== 'string' || !header.kid) throw invalid('The JWS protected header must name the signing key in "kid".');
  if (typeof header.alg !== 'string' || !Object.values(ALGORITHMS).flat().includes(header.alg)) throw invalid('The JWS must be signed with ES256 or EdDSA.');
  const key = await directory.keyAt(org, header.kid, at);
  if (!key) throw invalid(`Key "${header.kid}" is not an active registered key of organisation "${org}"; sign with your own organisation's key.`);
  try {
    const { payload } = await compactVerify(jws, key.key, { algorithms: ALGORITHMS[key.jwk.alg] });
    return { kid: header.kid, alg: header.alg, payloadSha256: sha256Base64url(payload) };
  } catch {
    throw invalid(`The JWS does not verify with key "${header.kid}" of organisation "${org}".`);
  }
}
