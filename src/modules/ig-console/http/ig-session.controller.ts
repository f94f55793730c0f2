import { Controller, Delete, Get, HttpCode, Post, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiExcludeEndpoint, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles } from '@shared/auth/decorators.js';
import { logActor, type Principal } from '@shared/auth/principal.js';
import { ApiSignedRoute } from '@shared/http/index.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { PERSON_SESSION_COOKIE, SignInService } from '@modules/people/index.js';
import {
  CurrentIdentity,
  IgSessionGuard,
  reviewerPrincipal,
  type ConsoleIdentity,
} from '../application/ig-session.guard.js';
import { NoStoreInterceptor } from '../application/no-store.interceptor.js';
import { REVIEW_REASON } from '../domain/ig-session.js';
import { IgSessions } from '../domain/ig-sessions.port.js';
import { clearSessionCookie, isHttps, setSessionCookie, type CookieReply } from './session-cookie.js';

export interface SessionInfo {
  org: string;
  orgKind: string;
  sub: string;
  roles: string[];
  expiresAt: string;
}

/** Who the console shows as signed in, and (for a person signed in through their IdP) the form token its calls carry. */
export interface ConsoleSessionInfo extends SessionInfo {
  via: 'token' | 'idp';
  name: string | null;
  orgName: string;
  /** The issuer of the person's identity provider; null for a token sign-in. */
  idp: string | null;
  /** Sent back in X-IG-Form-Token on every state-changing call of a people session. */
  formToken: string | null;
}

/** The answer to a sign-in (for the OpenAPI document). */
class IgSessionResponse implements SessionInfo {
  @ApiProperty({ example: 'nps-north-east' }) org: string;
  @ApiProperty({ example: 'NPS' }) orgKind: string;
  @ApiProperty({ example: 'user:ig-officer-1' }) sub: string;
  @ApiProperty({ type: [String], example: ['ig-reviewer'] }) roles: string[];
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

/** Signing in and out of the information-governance console. */
@UseInterceptors(NoStoreInterceptor)
@ApiTags('IG console')
@Controller('ig')
export class IgSessionController {
  constructor(
    private readonly sessions: IgSessions,
    private readonly writer: AccessLogWriter,
    private readonly orgs: OrganisationDirectory,
    private readonly signIns: SignInService,
  ) {}

  /**
   * The signed request token (role ig-reviewer, htm POST, htu /ig/session) authenticates this
   * call through the global guard like any other; the answer is a session cookie for the console.
   */
  @Post('session')
  @Roles('ig-reviewer')
  @ApiOperation({ summary: 'Sign in to the IG console with a signed request token; sets an HttpOnly session cookie' })
  @ApiCreatedResponse({
    type: IgSessionResponse,
    description: 'Signed in; Set-Cookie carries the session (HttpOnly, SameSite=Strict, Path=/ig)',
  })
  @ApiSignedRoute(403)
  async signIn(
    @CurrentPrincipal() p: Principal,
    @Req() req: { protocol?: string },
    @Res({ passthrough: true }) reply: CookieReply,
  ): Promise<SessionInfo> {
    const who = { org: p.org, orgKind: p.orgKind, sub: p.sub, roles: p.roles.filter((r) => r === 'ig-reviewer') };
    // The session remembers the key that signed this sign-in: it ends when that key is revoked.
    const { id, expiresAt } = await this.sessions.create({ ...who, kid: p.kid ?? null });
    await this.logSession(p, 'ig.session.start');
    setSessionCookie(reply, id, isHttps(req));
    return { ...who, expiresAt: expiresAt.toISOString() };
  }

  @Get('api/session')
  @Public()
  @UseGuards(IgSessionGuard)
  @ApiExcludeEndpoint()
  async me(@CurrentIdentity() who: ConsoleIdentity): Promise<ConsoleSessionInfo> {
    if (who.via === 'idp') {
      const s = who.person.session;
      return {
        via: 'idp',
        org: s.org,
        orgKind: s.orgKind,
        orgName: s.orgName,
        sub: `user:${s.sub}`,
        name: s.name,
        roles: [...s.roles],
        idp: s.issuer,
        expiresAt: s.expiresAt.toISOString(),
        formToken: who.person.formToken,
      };
    }
    const s = who.session;
    return {
      via: 'token',
      org: s.org,
      orgKind: s.orgKind,
      orgName: (await this.orgs.get(s.org))?.name ?? s.org,
      sub: s.sub,
      name: null,
      roles: s.roles,
      idp: null,
      expiresAt: s.expiresAt.toISOString(),
      formToken: null,
    };
  }

  /** Ends the console session, and any person session this browser holds, whichever way the person signed in. */
  @Delete('api/session')
  @Public()
  @UseGuards(IgSessionGuard)
  @HttpCode(204)
  @ApiExcludeEndpoint()
  async signOut(
    @CurrentIdentity() who: ConsoleIdentity,
    @Req() req: { id: string; protocol?: string; cookies: Record<string, string | undefined> },
    @Res({ passthrough: true }) reply: CookieReply,
  ): Promise<void> {
    if (who.via === 'idp') {
      await this.logSession(who.person.principal(REVIEW_REASON), 'ig.session.end');
    } else {
      await this.sessions.delete(who.session.cookie);
      await this.logSession(reviewerPrincipal(who.session, req.id), 'ig.session.end');
      clearSessionCookie(reply, isHttps(req));
    }
    // Signing out signs the browser out: the person session ends too, whether it was the console's
    // or held beside a pasted-token one (else the console would still open as the IdP's person).
    const person = req.cookies[PERSON_SESSION_COOKIE];
    if (person) {
      await this.signIns.signOut(person);
      reply.clearCookie(PERSON_SESSION_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
    }
  }

  private async logSession(p: Principal, action: string): Promise<void> {
    await this.writer.append({
      actor: logActor(p),
      action,
      resource: { type: 'ig-session', id: p.sub },
      decision: 'ALLOW',
      reasons: [],
      recipientOrg: p.org,
      requestId: p.requestId,
      jti: p.jti,
    });
  }
}
