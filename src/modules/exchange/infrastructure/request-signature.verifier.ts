import { Injectable } from '@nestjs/common';
import { compactVerify } from 'jose';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { ExchangeException, ExchangeExceptionCode } from '../domain/exchange.exception.js';
import type { DecodedRequestJws } from '../domain/request-document.js';

/**
 * Verifies a request JWS with the key its `kid` names among the keys of the organisation in
 * `iss` that are active now. Keys are only ever taken from the registry, never from the JWS.
 */
@Injectable()
export class RequestSignatureVerifier {
  constructor(private readonly orgs: OrganisationDirectory) {}

  async verify(jws: DecodedRequestJws, iss: string, now: Date): Promise<void> {
    const found = await this.orgs.keyAt(iss, jws.header.kid, now);
    if (!found) {
      throw new ExchangeException(ExchangeExceptionCode.BadSignature, `The request JWS names key "${jws.header.kid}", which is not an active key of ${iss}.`, [
        { field: 'header.kid', message: `is not an active key of ${iss}` },
      ]);
    }
    if (found.jwk.alg !== jws.header.alg) {
      throw new ExchangeException(ExchangeExceptionCode.BadSignature, `Key "${jws.header.kid}" signs with ${found.jwk.alg}, not ${jws.header.alg}.`, [{ field: 'header.alg', message: `must be ${found.jwk.alg} for this key` }]);
    }
    try {
      await compactVerify(jws.compact, found.key, { algorithms: [found.jwk.alg] });
    } catch {
      throw new ExchangeException(ExchangeExceptionCode.BadSignature, `The request JWS signature does not verify with ${iss}'s key "${jws.header.kid}".`, [
        { field: '(signature)', message: 'does not verify' },
      ]);
    }
  }
}
