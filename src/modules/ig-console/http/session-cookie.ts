import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply } from 'fastify';
import { MAX_LIFETIME_MS, SESSION_COOKIE } from '../domain/ig-session.js';

/** A reply with @fastify/cookie's decorations (the plugin is registered in createApp). */
export type CookieReply = Pick<FastifyReply, 'setCookie' | 'clearCookie'>;

/**
 * HttpOnly (no script reads it), SameSite=Strict (never sent on a cross-site request), scoped to
 * /ig, Secure whenever the console is reached over https.
 */
function options(secure: boolean): CookieSerializeOptions {
  return { path: '/ig', httpOnly: true, sameSite: 'strict', secure };
}

export function setSessionCookie(reply: CookieReply, id: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, id, { ...options(secure), maxAge: MAX_LIFETIME_MS / 1000 });
}

/** An empty cookie with Max-Age=0 (and an Expires in 1970), which the browser drops. */
export function clearSessionCookie(reply: CookieReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, options(secure));
}

export function isHttps(req: { protocol?: string }): boolean {
  return req.protocol === 'https';
}
