import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (problem+json with `errors: [{ field, message }]`)',
  401: 'Not authenticated: missing, malformed, expired, replayed or unknown-key token',
  403: 'Authenticated but not allowed',
  404: 'Unknown resource, or one the caller may not know exists',
  409: 'State conflict',
  413: 'Body too large',
  415: 'Wrong content type',
  429: 'Rate limited (see Retry-After)',
  503: 'A dependency (database, access log) is unavailable; nothing was released',
};

export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', example: 'urn:probation-gateway:problem:validation_failed' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    requestId: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/** Documents a signed route and the problem responses it can give. */
export function ApiSignedRoute(...statuses: number[]): MethodDecorator & ClassDecorator {
  const all = [...new Set([401, 429, 503, ...statuses])].sort();
  return applyDecorators(
    ApiBearerAuth('signed-request'),
    ...all.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } } })),
  );
}
