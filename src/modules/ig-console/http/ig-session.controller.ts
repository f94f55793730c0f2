import { Controller, Delete, Get, HttpCode, Post, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiExcludeEndpoint, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles } from '@shared/auth/decorators.js';
import { logActor, type Principal } from '@shared/auth/principal.js';
import { ApiSignedRoute } from '@shared/http/index.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { CurrentSession, IgSessionGuard, reviewerPrincipal } from '../application/ig-session.guard.js';
import { NoStoreInterceptor } from '../application/no-store.interceptor.js';
import type { IgSession } from '../domain/ig-session.js';
import { IgSessions } from '../domain/ig-sessions.port.js';
import { clearSessionCookie, isHttps, setSessionCookie, type CookieReply } from './session-cookie.js';

export interface SessionInfo {
  org: string;
  orgKind: string;
  sub: string;
  roles: string[];
  expiresAt: string;
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
  me(@CurrentSession() s: IgSession): SessionInfo {
    return { org: s.org, orgKind: s.orgKind, sub: s.sub, roles: s.roles, expiresAt: s.expiresAt.toISOString() };
  }

  @Delete('api/session')
  @Public()
  @UseGuards(IgSessionGuard)
  @HttpCode(204)
  @ApiExcludeEndpoint()
  async signOut(
    @CurrentSession() s: IgSession & { cookie: string },
    @Req() req: { id: string; protocol?: string },
    @Res({ passthrough: true }) reply: CookieReply,
  ): Promise<void> {
    await this.sessions.delete(s.cookie);
    await this.logSession(reviewerPrincipal(s, req.id), 'ig.session.end');
    clearSessionCookie(reply, isHttps(req));
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
