import { DomainException, type ErrorKind, type FieldError } from '@shared/errors/index.js';

export enum OrganisationExceptionCode {
  AlreadyExists = 'organisation_already_exists',
  NotFound = 'organisation_not_found',
  InvalidKey = 'invalid_jwk',
  DuplicateKid = 'duplicate_kid',
  KidReused = 'kid_reused',
  NoActiveKey = 'no_active_key',
  ReservedId = 'reserved_organisation_id',
  PersonKeyNotFound = 'person_key_not_found',
  PersonKeyExists = 'person_key_exists',
  PersonKeyRole = 'person_key_role_not_allowed',
  PersonKeyState = 'person_key_state',
  PersonKeyLimit = 'person_key_limit',
}

const KIND: Record<OrganisationExceptionCode, ErrorKind> = {
  [OrganisationExceptionCode.AlreadyExists]: 'conflict',
  [OrganisationExceptionCode.NotFound]: 'not_found',
  [OrganisationExceptionCode.InvalidKey]: 'invalid',
  [OrganisationExceptionCode.DuplicateKid]: 'invalid',
  [OrganisationExceptionCode.KidReused]: 'conflict',
  [OrganisationExceptionCode.NoActiveKey]: 'invalid',
  [OrganisationExceptionCode.ReservedId]: 'conflict',
  [OrganisationExceptionCode.PersonKeyNotFound]: 'not_found',
  [OrganisationExceptionCode.PersonKeyExists]: 'conflict',
  [OrganisationExceptionCode.PersonKeyRole]: 'invalid',
  [OrganisationExceptionCode.PersonKeyState]: 'conflict',
  [OrganisationExceptionCode.PersonKeyLimit]: 'conflict',
};

export class OrganisationException extends DomainException {
  declare readonly code: OrganisationExceptionCode;

  constructor(code: OrganisationExceptionCode, detail: string, errors?: FieldError[]) {
    super(code, KIND[code], detail, errors ? { errors } : {});
  }
}
