import { DomainException, type ErrorKind, type FieldError } from '@shared/errors/index.js';

export enum ExchangeExceptionCode {
  InvalidRequestJws = 'exchange_request_invalid',
  BadSignature = 'exchange_request_bad_signature',
  SignerMismatch = 'exchange_request_signer_mismatch',
  Replayed = 'exchange_request_replayed',
  NotFound = 'exchange_request_not_found',
  NotDecidable = 'exchange_request_not_open',
  NotFulfilled = 'exchange_request_not_fulfilled',
  CaseNotHeld = 'exchange_case_not_held_by_provider',
  DecisionForbidden = 'exchange_decision_forbidden',
  ReasonRequired = 'reason_required',
  CaseRestricted = 'exchange_case_restricted',
}

const KIND: Record<ExchangeExceptionCode, ErrorKind> = {
  [ExchangeExceptionCode.InvalidRequestJws]: 'invalid',
  [ExchangeExceptionCode.BadSignature]: 'invalid',
  [ExchangeExceptionCode.SignerMismatch]: 'forbidden',
  [ExchangeExceptionCode.Replayed]: 'conflict',
  [ExchangeExceptionCode.NotFound]: 'not_found',
  [ExchangeExceptionCode.NotDecidable]: 'conflict',
  [ExchangeExceptionCode.NotFulfilled]: 'conflict',
  [ExchangeExceptionCode.CaseNotHeld]: 'conflict',
  [ExchangeExceptionCode.DecisionForbidden]: 'forbidden',
  [ExchangeExceptionCode.ReasonRequired]: 'invalid',
  [ExchangeExceptionCode.CaseRestricted]: 'conflict',
};

export class ExchangeException extends DomainException {
  constructor(code: ExchangeExceptionCode, detail: string, errors?: FieldError[]) {
    super(code, KIND[code], detail, errors ? { errors } : {});
  }

  /** Whether `e` is an ExchangeException of one of `codes`. */
  static is(e: unknown, ...codes: ExchangeExceptionCode[]): e is ExchangeException {
    return e instanceof ExchangeException && (codes as string[]).includes(e.code);
  }

  /**
   * The token's `reason` is required on every exchange request and every fetch of a response
   * (DPA 2018 s.62: the log shows why), as on every read of case data.
   */
  static requireReason(p: { reason?: string | null }, on: 'submit' | 'response'): void {
    if (p.reason) return;
    throw new ExchangeException(
      ExchangeExceptionCode.ReasonRequired,
      `A reason (the token claim "reason") is required ${on === 'submit' ? 'on every exchange request' : 'to fetch a response, a read of case data'}.`,
      [
        {
          field: 'reason',
          message: on === 'submit' ? 'is required on every exchange request' : 'is required on every read of case data',
        },
      ],
    );
  }

  /** The one answer for a request the caller may not know exists. */
  static notFound(): ExchangeException {
    return new ExchangeException(
      ExchangeExceptionCode.NotFound,
      'No exchange request with this id is available to you.',
    );
  }
}
