import { DomainException, type ErrorKind, type FieldError } from '@shared/errors/index.js';

/**
 * Problem code of the UnavailableException (503) AccessLogWriter.append throws when an entry
 * could not be made durable: the caller must release nothing (fail closed).
 */
export const ACCESS_LOG_UNAVAILABLE = 'access_log_unavailable';

export enum AccessLogExceptionCode {
  EntryNotFound = 'access_log_entry_not_found',
  CheckpointNotFound = 'access_log_checkpoint_not_found',
  InvalidTreeSize = 'invalid_tree_size',
  CheckpointNotWitnessed = 'access_log_checkpoint_not_witnessed',
  TileNotFound = 'access_log_tile_not_found',
}

const KIND: Record<AccessLogExceptionCode, ErrorKind> = {
  [AccessLogExceptionCode.EntryNotFound]: 'not_found',
  [AccessLogExceptionCode.CheckpointNotFound]: 'not_found',
  [AccessLogExceptionCode.InvalidTreeSize]: 'invalid',
  [AccessLogExceptionCode.CheckpointNotWitnessed]: 'not_found',
  [AccessLogExceptionCode.TileNotFound]: 'not_found',
};

export class AccessLogException extends DomainException {
  constructor(code: AccessLogExceptionCode, detail: string, errors?: FieldError[]) {
    super(code, KIND[code], detail, errors ? { errors } : {});
  }
}
