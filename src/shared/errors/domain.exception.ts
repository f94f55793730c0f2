/**
 * What kind of failure a coded exception is, in domain terms. The HTTP status of each kind is
 * decided in one place (problem-mapping.ts), so modules never speak HTTP below the controller.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout';

/** One invalid field of an input, reported to the client as `errors: [{ field, message }]`. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Base of every coded exception. `code` is stable and machine-readable (it becomes the problem
 * `type`); `detail` is a sentence for a person and must never hold secrets or case data.
 */
export class DomainException extends Error {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    readonly detail: string,
    readonly options: { errors?: FieldError[]; retryAfterSeconds?: number; title?: string } = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

/** Input that fails validation; `errors` names each field. */
export class ValidationException extends DomainException {
  constructor(errors: FieldError[], detail = 'The request is invalid.') {
    super('validation_failed', 'invalid', detail, { errors, title: 'Invalid request' });
  }
}

/** Raised where a dependency the gateway must not work without (the database, the access log) is unavailable. */
export class UnavailableException extends DomainException {
  constructor(code: string, detail: string) {
    super(code, 'unavailable', detail, { retryAfterSeconds: 5 });
  }
}

/** A resource that does not exist, or that the caller may not know exists (never 403 for those). */
export class NotFoundException extends DomainException {
  constructor(what: string) {
    super('not_found', 'not_found', `${what} was not found.`);
  }
}
