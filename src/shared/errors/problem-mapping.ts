import { ErrorKind } from './domain.exception.js';

/** The single place where domain error kinds become HTTP statuses and titles. */
export function statusOf(kind: ErrorKind): { status: number; title: string } {
  switch (kind) {
    case 'invalid':
      return { status: 400, title: 'Invalid request' };
    case 'unauthenticated':
      return { status: 401, title: 'Not authenticated' };
    case 'forbidden':
      return { status: 403, title: 'Forbidden' };
    case 'not_found':
      return { status: 404, title: 'Not found' };
    case 'conflict':
      return { status: 409, title: 'Conflict' };
    case 'payload_too_large':
      return { status: 413, title: 'Payload too large' };
    case 'unsupported_media_type':
      return { status: 415, title: 'Unsupported media type' };
    case 'rate_limited':
      return { status: 429, title: 'Too many requests' };
    case 'unavailable':
      return { status: 503, title: 'Service unavailable' };
    case 'timeout':
      return { status: 503, title: 'Request timed out' };
    default: {
      const exhaustive: never = kind;
      throw new Error(`unmapped error kind ${String(exhaustive)}`);
    }
  }
}

/** Problem `type` URIs are stable URNs built from the error code. */
export function problemType(code: string): string {
  return `urn:probation-gateway:problem:${code}`;
}

/** The RFC 9457 body every error response carries. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
}
