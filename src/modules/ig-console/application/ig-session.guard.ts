import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Principal } from '@shared/auth/principal.js';
import { OrganisationRateLimit } from '@shared/auth/organisation-rate-limit.guard.js';
import type { FastifyRequest } from 'fastify';
import { SignedInPeople, type SignedInPerson } from '@modules/people/index.js';
import { CSRF_HEADER, FORM_TOKEN_HEADER, REVIEW_REASON, SESSION_COOKIE, type IgSession } from '../domain/ig-session.js';
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
  /** Set instead of igSession for a person signed in through their organisation's identity provider. */
  igPerson?: SignedInPerson;
}

/** Who uses the console on this request: a pasted-token console session, or a person signed in through their IdP. */
export type ConsoleIdentity =
  { via: 'token'; session: IgSession & { cookie: string } } | { via: 'idp'; person: SignedInPerson };

interface HeaderReply {
  header(name: string, value: string): unknown;
}

/**
 * Authenticates the console's JSON routes (which are @Public() for the signed-request guard) by
 * a cookie session, of one of two kinds:
 *
 * - a person signed in through their organisation's identity provider (the people session,
 *   SignedInPeople), who acts as exactly the principal a signed request of their organisation
 *   would be (the log names their IdP); the way in for organisations with an IdP;
 * - a console session opened with a pasted signed request token (POST /ig/session), the fallback
 *   for organisations without one. Checked first: a browser holding both acts as the token's identity.
 *
 * Either needs the role ig-reviewer, as the access-log API's routes do.
 *
 * CSRF: every state-changing call must carry the X-IG-Console header, which a cross-site form
 * cannot set and a cross-site fetch cannot send without a CORS preflight the gateway never
 * grants. Under a people session (SameSite=Lax, sent site-wide) it must also carry the session's
 * form token in X-IG-Form-Token, which only a page of this origin can read (GET /ig/api/session).
 *
 * Rate limit: a signed-in console call takes from its organisation's bucket, the same one the
 * organisation's signed API calls take from (OrganisationRateLimit), and is a 429 when it is spent.
 */
@Injectable()
export class IgSessionGuard implements CanActivate {
  constructor(
    private readonly sessions: IgSessions,
    private readonly limit: OrganisationRateLimit,
    private readonly people: SignedInPeople,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<SessionRequest>();
    const reply = ctx.switchToHttp().getResponse<HeaderReply>();
    for (const [k, v] of Object.entries(CONSOLE_JSON_HEADERS)) reply.header(k, v);
    const stateChanging = req.method !== 'GET' && req.method !== 'HEAD';
    if (stateChanging && req.headers[CSRF_HEADER] !== '1') {
      throw new IgConsoleException(
        IgConsoleExceptionCode.ConsoleHeaderMissing,
        `State-changing console calls must carry the header ${CSRF_HEADER}: 1.`,
      );
    }
    const cookie = req.cookies[SESSION_COOKIE];
    const session = cookie && /^[A-Za-z0-9_-]{43}$/.test(cookie) ? await this.sessions.find(cookie) : null;
    if (cookie && session) {
      if (!session.roles.includes('ig-reviewer'))
        throw new IgConsoleException(
          IgConsoleExceptionCode.NotIgReviewer,
          'The console is for ig-reviewer identities.',
        );
      await this.limit.take(req as unknown as FastifyRequest, session.org);
      req.igSession = { ...session, cookie };
      return true;
    }
    const person = await this.people.of(req);
    if (!person)
      throw new IgConsoleException(
        IgConsoleExceptionCode.NotSignedIn,
        'Sign in to the information governance console first.',
      );
    if (!person.hasRole('ig-reviewer'))
      throw new IgConsoleException(
        IgConsoleExceptionCode.NotIgReviewer,
        'The console is for people with the ig-reviewer role at their organisation; your account does not have it.',
      );
    if (stateChanging && !person.formCameFromSession({ formToken: req.headers[FORM_TOKEN_HEADER] }))
      throw new IgConsoleException(
        IgConsoleExceptionCode.FormTokenMissing,
        `State-changing console calls of a signed-in person must carry the session's form token in ${FORM_TOKEN_HEADER}.`,
      );
    await this.limit.take(req as unknown as FastifyRequest, person.session.org);
    req.igPerson = person;
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
    reason: REVIEW_REASON,
    breakGlass: false,
    jti: '',
    requestId,
  };
}

/** Injects the reviewer of a route guarded by IgSessionGuard, as a Principal. */
export const Reviewer = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<SessionRequest>();
  if (req.igPerson) return req.igPerson.principal(REVIEW_REASON);
  if (!req.igSession) throw new Error('Reviewer used on a route without IgSessionGuard');
  return reviewerPrincipal(req.igSession, req.id);
});

/** Injects who uses the console on a route guarded by IgSessionGuard. */
export const CurrentIdentity = createParamDecorator((_: unknown, ctx: ExecutionContext): ConsoleIdentity => {
  const req = ctx.switchToHttp().getRequest<SessionRequest>();
  if (req.igPerson) return { via: 'idp', person: req.igPerson };
  if (!req.igSession) throw new Error('CurrentIdentity used on a route without IgSessionGuard');
  return { via: 'token', session: req.igSession };
});
