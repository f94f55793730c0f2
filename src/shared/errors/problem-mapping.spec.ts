import type { ErrorKind } from './domain.exception.js';
import { problemType, statusOf } from './problem-mapping.js';

describe(statusOf.name, () => {
  it.each<[ErrorKind, number]>([
    ['invalid', 400],
    ['unauthenticated', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['payload_too_large', 413],
    ['unsupported_media_type', 415],
    ['rate_limited', 429],
    ['unavailable', 503],
    ['timeout', 503],
  ])('maps %s to %i', (kind, status) => {
    expect(statusOf(kind)).toEqual({ status, title: expect.any(String) });
  });

  it('refuses an unknown kind instead of guessing', () => {
    expect(() => statusOf('teapot' as ErrorKind)).toThrow(/unmapped/);
  });

  it('builds stable URN problem types', () => {
    expect(problemType('kid_reused')).toBe('urn:probation-gateway:problem:kid_reused');
  });
});
