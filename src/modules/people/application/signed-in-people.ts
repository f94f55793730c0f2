import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Principal } from '@shared/auth/principal.js';
import type { Role } from '@shared/auth/roles.js';
import { PERSON_SESSION_COOKIE, type PersonSession } from '../domain/person-session.js';
import { SignInService } from './sign-in.service.js';

/** What a page needs of the request: its cookies and id. */
export interface PageRequest {
  cookies: Record<string, string | undefined>;
  id: string;
}

/**
 * A person signed in through their organisation's identity provider, for the length of one page
 * request. They act as the same principal as a signed request of their organisation: the same
 * roles, attributes, policies, agreements, purpose and reason rules, and log entries, which also
 * name the IdP (`actor.idp`) and the session (`jti`, a hash of the session id, never the id).
 */
export class SignedInPerson {
  constructor(
    private readonly sessionId: string,
    readonly session: PersonSession,
    private readonly requestId: string,
  ) {}

  /** The token every form of this session's pages carries (CSRF): a hash of the secret session id. */
  get formToken(): string {
    return formTokenOf(this.sessionId);
  }

  /** Whether a posted form came from a page served to this session (constant-time comparison). */
  formCameFromSession(body: unknown): boolean {
    const token = (body as { formToken?: unknown } | null | undefined)?.formToken;
    const expected = this.formToken;
    return (
      typeof token === 'string' &&
      token.length === expected.length &&
      timingSafeEqual(Buffer.from(token), Buffer.from(expected))
    );
  }

  hasRole(...roles: Role[]): boolean {
    return roles.some((r) => this.session.roles.includes(r));
  }

  /** The principal this person acts as, with the reason they gave for this action (if any). */
  principal(reason?: string): Principal {
    const s = this.session;
    return {
      org: s.org,
      orgKind: s.orgKind,
      sub: `user:${s.sub}`,
      roles: s.roles,
      claimedRoles: s.roles,
      attrs: s.attributes,
      reason: reason?.trim() || undefined,
      breakGlass: false,
      jti: `session:${createHash('sha256').update(`jti:${this.sessionId}`, 'utf8').digest('base64url').slice(0, 22)}`,
      requestId: this.requestId,
      idp: s.issuer,
    };
  }
}

/** The form token of a session: a hash of its secret id, so only a page served to that session holds it. */
export function formTokenOf(sessionId: string): string {
  return createHash('sha256').update(`form:${sessionId}`, 'utf8').digest('base64url');
}

/** Finds the signed-in person of a page request, from the session cookie. */
@Injectable()
export class SignedInPeople {
  constructor(private readonly signIn: SignInService) {}

  /** The signed-in person, or null where there is no cookie or the session ended or never was. */
  async of(req: PageRequest): Promise<SignedInPerson | null> {
    const id = req.cookies[PERSON_SESSION_COOKIE];
    if (!id) return null;
    const session = await this.signIn.session(id);
    return session ? new SignedInPerson(id, session, req.id) : null;
  }
}
