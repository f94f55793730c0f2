import { hasRole, type Principal } from '@shared/auth/principal.js';
import { ExchangeException, ExchangeExceptionCode } from '../domain/exchange.exception.js';
import type { ExchangeRequest } from '../domain/exchange-request.js';

/**
 * Only the provider's data owners decide a request (and see what deciding would release); anyone
 * but the two parties may not know the request exists and gets the answer of an unknown id.
 */
export function authoriseDecider(p: Principal, r: ExchangeRequest): void {
  if (!r.isPartyOf(p.org)) throw ExchangeException.notFound();
  if (p.org !== r.state.provider || !hasRole(p, 'data-owner')) {
    throw new ExchangeException(
      ExchangeExceptionCode.DecisionForbidden,
      'Only a data owner of the providing organisation decides an exchange request.',
    );
  }
}
