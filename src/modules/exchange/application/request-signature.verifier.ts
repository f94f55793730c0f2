import { Injectable } from '@nestjs/common';
import { SignatureRefused, verifyJws } from '@shared/crypto/signature-checker.js';
import type { Principal } from '@shared/auth/principal.js';
import { OrganisationDirectory, personKeyRefusal } from '@modules/organisations/index.js';
import { ExchangeException, ExchangeExceptionCode } from '../domain/exchange.exception.js';
import { EXCHANGE_REQUEST_TYPE, type DecodedRequestJws } from '../domain/request-document.js';

/**
 * Verifies a request JWS with the shared signature checker, with the key its `kid` names among
 * the keys of the organisation in `iss` that are active now. Keys are only ever taken from the
 * registry, never from the JWS. A personal key signs only for its holder, signed in, in a role
 * that asks for records (iom-officer, offender-manager, mappa-coordinator): anyone else's use of
 * it, an organisation's system relaying it included, is refused.
 */
@Injectable()
export class RequestSignatureVerifier {
  constructor(private readonly orgs: OrganisationDirectory) {}

  async verify(jws: DecodedRequestJws, signer: Principal, now: Date): Promise<void> {
    const kid = jws.header.kid;
    const iss = signer.org;
    try {
      await verifyJws(jws.compact, {
        typ: EXCHANGE_REQUEST_TYPE,
        key: async (k) => {
          const found = await this.orgs.keyAt(iss, k, now);
          const refused = found?.holder && personKeyRefusal(found.holder, signer, 'exchange-request');
          if (refused)
            throw new ExchangeException(
              ExchangeExceptionCode.BadSignature,
              `The request JWS names key "${k}", which ${refused}.`,
              [{ field: 'header.kid', message: refused }],
            );
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
