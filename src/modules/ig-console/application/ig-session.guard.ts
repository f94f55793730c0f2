import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Principal } from '@shared/auth/principal.js';
import { OrganisationRateLimit } from '@shared/auth/organisation-rate-limit.guard.js';
import type { FastifyRequest } from 'fastify';
import { CSRF_HEADER, SESSION_COOKIE, type IgSession } from '../domain/ig-session.js';
import { IgConsoleException, IgConsoleExceptionCode } from '../domain/ig-console.exception.js';
import { IgSessions } from '../domain/ig-sessions.port.js';
import { CONSOLE_JSON_HEADERS } from './no-store.interceptor.js';

export interface SessionRequest {
  id: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed by @fastify/cookie (registered in createApp). */
  cookies: Record<string, string | undefined>;
  igSession?: IgSession & { cookie: string };
}

interface HeaderReply {
  header(name: string, value: string): unknown;
}

/**
 * Authenticates the console's JSON routes (which are @Public() for the signed-request guard)
 * by the session cookie. A browser cannot mint a single-use signed token per call, so the
 * token authenticates the sign-in only and the session carries the identity from there.
 *
 * CSRF: the cookie is SameSite=Strict, and every state-changing call must also carry the
 * X-IG-Console header, which a cross-site form cannot set and a cross-site fetch cannot send
 * without a CORS preflight the gateway never grants.
 *
 * Rate limit: a signed-in console call takes from its organisation's bucket, the same one the
 * organisation's signed API calls take from (OrganisationRateLimit), and is a 429 when it is spent.
 */
@Injectable()
export class IgSessionGuard implements CanActivate {
  constructor(
    private readonly sessions: IgSessions,
    private readonly limit: OrganisationRateLimit,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<SessionRequest>();
    const reply = ctx.switchToHttp().getResponse<HeaderReply>();
    for (const [k, v] of Object.entries(CONSOLE_JSON_HEADERS)) reply.header(k, v);
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers[CSRF_HEADER] !== '1') {
      throw new IgConsoleException(
        IgConsoleExceptionCode.ConsoleHeaderMissing,
        `State-changing console calls must carry the header ${CSRF_HEADER}: 1.`,
      );
    }
    const cookie = req.cookies[SESSION_COOKIE];
    const session = cookie && /^[A-Za-z0-9_-]{43}$/.test(cookie) ? await this.sessions.find(cookie) : null;
    if (!cookie || !session)
      throw new IgConsoleException(
        IgConsoleExceptionCode.NotSignedIn,
        'Sign in to the information governance console first.',
      );
    if (!session.roles.includes('ig-reviewer'))
      throw new IgConsoleException(IgConsoleExceptionCode.NotIgReviewer, 'The console is for ig-reviewer identities.');
    await this.limit.take(req as unknown as FastifyRequest, session.org);
    req.igSession = { ...session, cookie };
    return true;
  }
}

/**
 * The signed-in reviewer as a Principal, for the access-log services (which scope and log by
 * principal). There is no token here: the request id ties the log entry to this call.
 */
export function reviewerPrincipal(s: IgSession, requestId: string): Principal {
  return {
    org: s.org,
    orgKind: s.orgKind,
    sub: s.sub,
    roles: s.roles,
    claimedRoles: s.roles,
    attrs: {},
    reason: 'Information governance review (IG console)',
    breakGlass: false,
    jti: '',
    requestId,
  };
}

/** Injects the reviewer of a route guarded by IgSessionGuard, as a Principal. */
export const Reviewer = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<SessionRequest>();
  if (!req.igSession) throw new Error('Reviewer used on a route without IgSessionGuard');
  return reviewerPrincipal(req.igSession, req.id);
});

/** Injects the raw session (with its cookie value) of a route guarded by IgSessionGuard. */
export const CurrentSession = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): IgSession & { cookie: string } => {
    const req = ctx.switchToHttp().getRequest<SessionRequest>();
    if (!req.igSession) throw new Error('CurrentSession used on a route without IgSessionGuard');
    return req.igSession;
  },
);
