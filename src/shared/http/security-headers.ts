import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { contentSecurityPolicy } from 'helmet';

type Headers = Readonly<Record<string, string>>;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Runs one of helmet's middlewares once against a recording response and returns the headers it set. */
function recordHeaders(middleware: Middleware): Headers {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * The security headers of every answer, from helmet: nothing in them depends on the request, so helmet
 * runs once here at start-up and an onRequest hook sets the result (@fastify/helmet would run it again
 * for every request to get the same headers). Helmet has no Permissions-Policy: that one is added here.
 */
export const SECURITY_HEADERS: Headers = {
  ...recordHeaders(
    helmet({
      contentSecurityPolicy: false,
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    }),
  ),
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** The API's Content-Security-Policy: its answers load nothing and are never framed. */
export const API_CSP: string = recordHeaders(
  contentSecurityPolicy({ useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } }),
)['content-security-policy'];
