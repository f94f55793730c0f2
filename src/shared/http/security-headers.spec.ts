import { API_CSP, SECURITY_HEADERS } from './security-headers.js';

describe('security headers from helmet', () => {
  it('are the gateway policy, lower-cased for reply.header', () => {
    expect(SECURITY_HEADERS).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    });
    expect(SECURITY_HEADERS).not.toHaveProperty('content-security-policy');
  });

  it('lock API answers down with a CSP that loads nothing and forbids framing', () => {
    expect(API_CSP.split(';').map((d) => d.trim())).toEqual(["default-src 'none'", "frame-ancestors 'none'"]);
  });
});
