import { MAX_LIFETIME_MS, SESSION_COOKIE } from '../domain/ig-session.js';

export interface CookieReply {
  header(name: string, value: string): CookieReply;
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (never sent on a cross-site request), scoped to
 * /ig, Secure whenever the console is reached over https.
 */
export function setSessionCookie(reply: CookieReply, id: string, secure: boolean): void {
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${id}; Path=/ig; Max-Age=${MAX_LIFETIME_MS / 1000}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`,
  );
}

export function clearSessionCookie(reply: CookieReply, secure: boolean): void {
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=; Path=/ig; Max-Age=0; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`,
  );
}

export function isHttps(req: { protocol?: string }): boolean {
  return req.protocol === 'https';
}
