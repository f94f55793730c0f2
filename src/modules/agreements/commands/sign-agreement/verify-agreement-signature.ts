import { SIGNATURE_ALGORITHMS, SignatureRefused, verifyJws } from '@shared/crypto/signature-checker.js';
import type { Principal } from '@shared/auth/principal.js';
import { personKeyRefusal, type OrganisationDirectory } from '@modules/organisations/index.js';
import { sha256Base64url } from '../../domain/agreement-document.js';
import { AgreementException, AgreementExceptionCode } from '../../domain/agreement.exception.js';

const invalid = (detail: string) => new AgreementException(AgreementExceptionCode.SignatureInvalid, detail);

function refusalDetail(e: SignatureRefused, org: string, kid: string | undefined): string {
  switch (e.reason) {
    case 'malformed':
      return 'The JWS protected header cannot be decoded.';
    case 'unstorable_text':
      return `The JWS protected header holds text that cannot be accepted: ${e.parameter ?? 'header'} ${e.message}.`;
    case 'algorithm_not_allowed':
      return `The JWS must be signed with ${SIGNATURE_ALGORITHMS.join(' or ')}.`;
    case 'unknown_key':
      return kid === undefined
        ? 'The JWS protected header must name the signing key in "kid".'
        : `Key "${kid}" is not an active registered key of organisation "${org}"; sign with your own organisation's key.`;
    default:
      return `The JWS does not verify with key "${kid ?? ''}" of organisation "${org}": ${e.message}.`;
  }
}

/**
 * Verifies a compact JWS as a signature of the signer's organisation with the shared signature
 * checker: the header's kid must name a key that organisation had registered and active at `at`
 * (so another organisation's key fails here, whatever it signed), the algorithm must be that
 * key's, and the signature must hold. A personal key signs only for its holder, signed in, in
 * the role that signs agreements (dsa-signatory): anyone else's use of it is refused.
 * The contract names no `typ` for agreement signatures, so none is required.
 * Returns the signed bytes' hash (the caller compares it with the versions' documents).
 */
export async function verifyAgreementSignature(
  jws: string,
  signer: Principal,
  at: Date,
  directory: OrganisationDirectory,
): Promise<{ kid: string; alg: string; payloadSha256: string }> {
  const org = signer.org;
  let kid: string | undefined;
  try {
    const { payload, key } = await verifyJws(jws, {
      key: async (k) => {
        kid = k;
        const found = await directory.keyAt(org, k, at);
        const refused = found?.holder && personKeyRefusal(found.holder, signer, 'agreement-signature');
        if (refused) throw invalid(`Key "${k}" ${refused}.`);
        return found && { key: found.key, alg: found.jwk.alg };
      },
    });
    return { kid: kid!, alg: key.alg, payloadSha256: sha256Base64url(payload) };
  } catch (e) {
    if (e instanceof SignatureRefused) throw invalid(refusalDetail(e, org, kid));
    throw e;
  }
}
