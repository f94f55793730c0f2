import { DomainException, type ErrorKind, type FieldError } from '@shared/errors/index.js';

export enum OrganisationExceptionCode {
  AlreadyExists = 'organisation_already_exists',
  NotFound = 'organisation_not_found',
  InvalidKey = 'invalid_jwk',
  DuplicateKid = 'duplicate_kid',
  KidReused = 'kid_reused',
  NoActiveKey = 'no_active_key',
  ReservedId = 'reserved_organisation_id',
}

const KIND: Record<OrganisationExceptionCode, ErrorKind> = {
  [OrganisationExceptionCode.AlreadyExists]: 'conflict',
  [OrganisationExceptionCode.NotFound]: 'not_found',
  [OrganisationExceptionCode.InvalidKey]: 'invalid',
  [OrganisationExceptionCode.DuplicateKid]: 'invalid',
  [OrganisationExceptionCode.KidReused]: 'conflict',
  [OrganisationExceptionCode.NoActiveKey]: 'invalid',
  [OrganisationExceptionCode.ReservedId]: 'conflict',
};

export class OrganisationException extends DomainException {
  declare readonly code: OrganisationExceptionCode;

  constructor(code: OrganisationExceptionCode, detail: string, errors?: FieldError[]) {
    super(code, KIND[code], detail, errors ? { errors } : {});
  }
}
