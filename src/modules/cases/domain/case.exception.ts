import { DomainException, type ErrorKind, type FieldError } from '@shared/errors/index.js';

export enum CaseExceptionCode {
  NotFound = 'case_not_found',
  ReadForbidden = 'case_read_forbidden',
  NotManagingOrganisation = 'not_managing_organisation',
  ManagingOrgChange = 'managing_org_change_needs_transfer',
  ReasonRequired = 'reason_required',
  TransferInvalid = 'transfer_invalid',
  TransferNotFound = 'transfer_not_found',
  TransferPending = 'transfer_already_pending',
  TransferNotPending = 'transfer_not_pending',
  UnknownOrganisation = 'unknown_organisation',
  CrnAllocated = 'crn_already_allocated',
  AllocationInvalid = 'allocation_invalid',
  UnknownPolicyVersion = 'unknown_policy_version',
  UnknownAgreementVersion = 'unknown_agreement_version',
  RightsInvalid = 'rights_request_invalid',
}

const KIND: Record<CaseExceptionCode, ErrorKind> = {
  [CaseExceptionCode.NotFound]: 'not_found',
  [CaseExceptionCode.ReadForbidden]: 'forbidden',
  [CaseExceptionCode.NotManagingOrganisation]: 'forbidden',
  [CaseExceptionCode.ManagingOrgChange]: 'conflict',
  [CaseExceptionCode.ReasonRequired]: 'invalid',
  [CaseExceptionCode.TransferInvalid]: 'invalid',
  [CaseExceptionCode.TransferNotFound]: 'not_found',
  [CaseExceptionCode.TransferPending]: 'conflict',
  [CaseExceptionCode.TransferNotPending]: 'conflict',
  [CaseExceptionCode.UnknownOrganisation]: 'invalid',
  [CaseExceptionCode.CrnAllocated]: 'conflict',
  [CaseExceptionCode.AllocationInvalid]: 'invalid',
  [CaseExceptionCode.UnknownPolicyVersion]: 'invalid',
  [CaseExceptionCode.UnknownAgreementVersion]: 'invalid',
  [CaseExceptionCode.RightsInvalid]: 'invalid',
};

export class CaseException extends DomainException {
  constructor(code: CaseExceptionCode, detail: string, errors?: FieldError[]) {
    super(code, KIND[code], detail, errors ? { errors } : {});
  }

  /** The one answer for every case the caller may not know exists: the same words whatever the reason. */
  static notFound(): CaseException {
    return new CaseException(CaseExceptionCode.NotFound, 'No case with this CRN is available to you.');
  }
}
