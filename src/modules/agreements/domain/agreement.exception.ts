import { DomainException, type ErrorKind, type FieldError } from '@shared/errors/index.js';

export enum AgreementExceptionCode {
  NotFound = 'agreement_not_found',
  VersionNotFound = 'agreement_version_not_found',
  StateConflict = 'agreement_state_conflict',
  AlreadySigned = 'agreement_already_signed',
  SignatureVersionMismatch = 'signature_version_mismatch',
  SignatureDocumentMismatch = 'signature_document_mismatch',
  SignatureInvalid = 'signature_invalid',
  NotAParty = 'not_a_party',
  ActionForbidden = 'agreement_action_forbidden',
  AlreadyExists = 'agreement_already_exists',
}

const KIND: Record<AgreementExceptionCode, ErrorKind> = {
  [AgreementExceptionCode.NotFound]: 'not_found',
  [AgreementExceptionCode.VersionNotFound]: 'not_found',
  [AgreementExceptionCode.StateConflict]: 'conflict',
  [AgreementExceptionCode.AlreadySigned]: 'conflict',
  [AgreementExceptionCode.SignatureVersionMismatch]: 'conflict',
  [AgreementExceptionCode.SignatureDocumentMismatch]: 'invalid',
  [AgreementExceptionCode.SignatureInvalid]: 'invalid',
  [AgreementExceptionCode.NotAParty]: 'forbidden',
  [AgreementExceptionCode.ActionForbidden]: 'forbidden',
  [AgreementExceptionCode.AlreadyExists]: 'conflict',
};

export class AgreementException extends DomainException {
  constructor(code: AgreementExceptionCode, detail: string, errors?: FieldError[]) {
    super(code, KIND[code], detail, errors ? { errors } : {});
  }

  static notFound(id: string): AgreementException {
    return new AgreementException(AgreementExceptionCode.NotFound, `Agreement "${id}" was not found.`);
  }

  /** A transition the lifecycle does not allow from the current state; the detail names that state. */
  static state(action: string, status: string, why = ''): AgreementException {
    return new AgreementException(
      AgreementExceptionCode.StateConflict,
      `Cannot ${action} the agreement: it is ${status}${why ? `; ${why}` : ''}.`,
    );
  }
}
