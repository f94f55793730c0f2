import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, DECORATORS } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (problem+json with `errors: [{ field, message }]`)',
  401: 'Not authenticated: missing, malformed, expired, replayed or unknown-key token',
  403: 'Authenticated but not allowed',
  404: 'Unknown resource, or one the caller may not know exists',
  409: 'State conflict',
  413: 'Body too large',
  415: 'Wrong content type',
  429: 'Rate limited (see Retry-After)',
  431: 'Request headers too large',
  503: 'A dependency (database, access log) is unavailable; nothing was released',
};

/** A problem `type` for each status, as the gateway writes it (one example of several codes per status). */
const EXAMPLE_TYPES: Record<number, string> = {
  400: 'validation_failed',
  401: 'bad_signature',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
  503: 'database_unavailable',
};

const FIELD_ERROR: SchemaObject = {
  type: 'object',
  required: ['field', 'message'],
  properties: {
    field: { type: 'string', example: 'purpose' },
    message: {
      type: 'string',
      example: 'purpose must be one of IOM, MAPPA, RISK_MANAGEMENT, RECALL, COURT_REPORT, SUBJECT_ACCESS',
    },
  },
};

/** RFC 9457 problem documents, as components of the OpenAPI document (added by createOpenApiDocument). */
export const PROBLEM_SCHEMAS: Record<string, SchemaObject> = {
  Problem: {
    type: 'object',
    description: 'An RFC 9457 problem document; never holds a stack trace, SQL or an internal path.',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: {
        type: 'string',
        pattern: '^urn:probation-gateway:problem:[a-z0-9_]+$',
        description: 'urn:probation-gateway:problem:<code>, a stable machine-readable code',
      },
      title: { type: 'string', description: 'A short summary of the kind of problem' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string', description: 'A sentence for a person; never holds secrets or case data' },
      requestId: { type: 'string', description: 'The x-request-id of the request' },
      errors: { type: 'array', description: 'Each invalid field (validation failures)', items: FIELD_ERROR },
    },
  },
};

/** Kept for the responses written by hand (the 503 of /health). */
export const PROBLEM_SCHEMA = { $ref: '#/components/schemas/Problem' };

function problemResponse(status: number): MethodDecorator & ClassDecorator {
  const example = {
    type: `urn:probation-gateway:problem:${EXAMPLE_TYPES[status] ?? `http_${status}`}`,
    title: 'Problem',
    status,
    detail: DESCRIPTIONS[status] ?? 'Error',
  };
  return ApiResponse({
    status,
    description: DESCRIPTIONS[status] ?? 'Error',
    content: { 'application/problem+json': { schema: PROBLEM_SCHEMA, example } },
  });
}

/** Documents a signed route and the problem responses it can give. */
export function ApiSignedRoute(...statuses: number[]): MethodDecorator & ClassDecorator {
  const all = [...new Set([401, 429, 431, 503, ...statuses])].sort();
  return applyDecorators(ApiBearerAuth('signed-request'), ...all.map(problemResponse));
}

/**
 * Documents a route that needs no signed request (it carries @Public()): `security: []`, and the
 * problem responses it can give. Order-independent with @ApiOperation, which merges too.
 */
export function ApiPublicRoute(...statuses: number[]): MethodDecorator {
  const all = [...new Set([431, ...statuses])].sort();
  const noSecurity: MethodDecorator = (_target, _key, descriptor) => {
    const previous = (Reflect.getMetadata(DECORATORS.API_OPERATION, descriptor.value as object) ?? {}) as Record<
      string,
      unknown
    >;
    Reflect.defineMetadata(DECORATORS.API_OPERATION, { ...previous, security: [] }, descriptor.value as object);
    return descriptor;
  };
  return applyDecorators(noSecurity, ...all.map(problemResponse));
}
