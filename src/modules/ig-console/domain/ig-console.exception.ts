import { DomainException, type ErrorKind, type FieldError } from '@shared/errors/index.js';

export enum IgConsoleExceptionCode {
  NotSignedIn = 'ig_not_signed_in',
  ConsoleHeaderMissing = 'ig_console_header_missing',
  FormTokenMissing = 'ig_form_token_missing',
  NotIgReviewer = 'ig_not_reviewer',
  DemoOrganisationUnknown = 'ig_demo_organisation_unknown',
  EntryNotFound = 'ig_entry_not_found',
  RangeTooLong = 'ig_range_too_long',
  FlagNotFound = 'ig_flag_not_found',
  OrganisationUnknown = 'ig_organisation_unknown',
  BreachNotFound = 'ig_breach_not_found',
  BreachClosed = 'ig_breach_closed',
}

const KIND: Record<IgConsoleExceptionCode, ErrorKind> = {
  [IgConsoleExceptionCode.NotSignedIn]: 'unauthenticated',
  [IgConsoleExceptionCode.ConsoleHeaderMissing]: 'forbidden',
  [IgConsoleExceptionCode.FormTokenMissing]: 'forbidden',
  [IgConsoleExceptionCode.NotIgReviewer]: 'forbidden',
  [IgConsoleExceptionCode.DemoOrganisationUnknown]: 'not_found',
  [IgConsoleExceptionCode.EntryNotFound]: 'not_found',
  [IgConsoleExceptionCode.RangeTooLong]: 'invalid',
  [IgConsoleExceptionCode.FlagNotFound]: 'not_found',
  [IgConsoleExceptionCode.OrganisationUnknown]: 'not_found',
  [IgConsoleExceptionCode.BreachNotFound]: 'not_found',
  [IgConsoleExceptionCode.BreachClosed]: 'conflict',
};

export class IgConsoleException extends DomainException {
  constructor(code: IgConsoleExceptionCode, detail: string, errors?: FieldError[]) {
    super(code, KIND[code], detail, errors ? { errors } : {});
  }
}
