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
};

export class ExchangeException extends DomainException {
  constructor(code: ExchangeExceptionCode, detail: string, errors?: FieldError[]) {
    super(code, KIND[code], detail, errors ? { errors } : {});
  }

  /** Whether `e` is an ExchangeException of one of `codes`. */
  static is(e: unknown, ...codes: ExchangeExceptionCode[]): e is ExchangeException {
    return e instanceof ExchangeException && (codes as string[]).includes(e.code);
  }

  /** The one answer for a request the caller may not know exists. */
  static notFound(): ExchangeException {
    return new ExchangeException(
      ExchangeExceptionCode.NotFound,
      'No exchange request with this id is available to you.',
    );
  }
}
