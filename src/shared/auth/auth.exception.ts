import { DomainException } from '@shared/errors/index.js';

/** Why a request token was refused; each is a label of the auth-failure metric. */
export type AuthFailureReason =
  | 'missing_token'
  | 'token_too_large'
  | 'malformed_token'
  | 'wrong_type'
  | 'algorithm_not_allowed'
  | 'forbidden_header'
  | 'unknown_critical_header'
  | 'unknown_key'
  | 'bad_signature'
  | 'invalid_claims'
  | 'wrong_audience'
  | 'expired'
  | 'issued_in_future'
  | 'lifetime_too_long'
  | 'method_mismatch'
  | 'uri_mismatch'
  | 'body_hash_mismatch'
  | 'replayed';

export class AuthException extends DomainException {
  constructor(
    readonly reason: AuthFailureReason,
    detail: string,
  ) {
    super(`auth_${reason}`, 'unauthenticated', detail);
  }
}

export class ForbiddenException extends DomainException {
  constructor(detail: string, code = 'forbidden') {
    super(code, 'forbidden', detail);
  }
}

export class RateLimitedException extends DomainException {
  constructor(retryAfterSeconds: number) {
    super('rate_limited', 'rate_limited', 'This organisation has sent too many requests; retry later.', {
      retryAfterSeconds,
    });
  }
}
