import { Injectable } from '@nestjs/common';
import { SignatureRefused, verifyJws } from '@shared/crypto/signature-checker.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { ExchangeException, ExchangeExceptionCode } from '../domain/exchange.exception.js';
import { EXCHANGE_REQUEST_TYPE, type DecodedRequestJws } from '../domain/request-document.js';

/**
 * Verifies a request JWS with the shared signature checker, with the key its `kid` names among
 * the keys of the organisation in `iss` that are active now. Keys are only ever taken from the
 * registry, never from the JWS.
 */
@Injectable()
export class RequestSignatureVerifier {
  constructor(private readonly orgs: OrganisationDirectory) {}

  async verify(jws: DecodedRequestJws, iss: string, now: Date): Promise<void> {
    const kid = jws.header.kid;
    try {
      await verifyJws(jws.compact, {
        typ: EXCHANGE_REQUEST_TYPE,
        key: async (k) => {
          const found = await this.orgs.keyAt(iss, k, now);
          return found && { key: found.key, alg: found.jwk.alg };
        },
      });
    } catch (e) {
      if (!(e instanceof SignatureRefused)) throw e;
      switch (e.reason) {
        case 'unknown_key':
          throw new ExchangeException(
            ExchangeExceptionCode.BadSignature,
            `The request JWS names key "${kid}", which is not an active key of ${iss}.`,
            [{ field: 'header.kid', message: `is not an active key of ${iss}` }],
          );
        case 'key_algorithm_mismatch':
          throw new ExchangeException(
            ExchangeExceptionCode.BadSignature,
            `The request JWS cannot be verified: ${e.message}.`,
            [{ field: 'header.alg', message: 'is not the algorithm of this key' }],
          );
        case 'bad_signature':
          throw new ExchangeException(
            ExchangeExceptionCode.BadSignature,
            `The request JWS signature does not verify with ${iss}'s key "${kid}".`,
            [{ field: '(signature)', message: 'does not verify' }],
          );
        default:
          // decodeRequestJws has already refused every header problem; this is what is left.
          throw new ExchangeException(
            ExchangeExceptionCode.InvalidRequestJws,
            `The request JWS is invalid: ${e.message}.`,
            [{ field: e.parameter ? `header.${e.parameter}` : '(body)', message: e.message }],
          );
      }
    }
  }
}
