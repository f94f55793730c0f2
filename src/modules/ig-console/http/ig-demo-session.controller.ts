import { Body, Controller, Get, HttpCode, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@shared/auth/decorators.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { NoStoreInterceptor } from '../application/no-store.interceptor.js';
import { CSRF_HEADER } from '../domain/ig-session.js';
import { IgConsoleException, IgConsoleExceptionCode } from '../domain/ig-console.exception.js';
import { IgSessions } from '../domain/ig-sessions.port.js';
import { DemoSessionDto } from './ig-console.dto.js';
import type { SessionInfo } from './ig-session.controller.js';
import { isHttps, setSessionCookie, type CookieReply } from './session-cookie.js';

/**
 * Demo only (registered when DEMO=true, never otherwise): sign in to the console as the IG
 * reviewer of a demonstration organisation without a token, so a newcomer can look around.
 */
@Public()
@UseInterceptors(NoStoreInterceptor)
@ApiExcludeController()
@Controller('ig')
export class IgDemoSessionController {
  constructor(
    private readonly sessions: IgSessions,
    private readonly orgs: OrganisationDirectory,
    private readonly writer: AccessLogWriter,
  ) {}

  @Get('demo-identities')
  async identities(): Promise<{ org: string; name: string; kind: string; sub: string }[]> {
    return (await this.orgs.list())
      .filter((o) => o.status === 'ACTIVE')
      .map((o) => ({ org: o.id, name: o.name, kind: o.kind, sub: `user:demo-ig-${o.id}` }));
  }

  @Post('demo-session')
  @HttpCode(200)
  async signIn(
    @Body() body: DemoSessionDto,
    @Req() req: { id: string; protocol?: string; headers: Record<string, unknown> },
    @Res({ passthrough: true }) reply: CookieReply,
  ): Promise<SessionInfo> {
    // Even in a demo, a cross-site page must not sign a visitor in behind their back.
    if (req.headers[CSRF_HEADER] !== '1')
      throw new IgConsoleException(
        IgConsoleExceptionCode.ConsoleHeaderMissing,
        `Console calls must carry the header ${CSRF_HEADER}: 1.`,
      );
    const org = await this.orgs.get(body.org);
    if (!org || org.status !== 'ACTIVE')
      throw new IgConsoleException(
        IgConsoleExceptionCode.DemoOrganisationUnknown,
        'No such demonstration organisation.',
      );
    const who = { org: org.id, orgKind: org.kind, sub: `user:demo-ig-${org.id}`, roles: ['ig-reviewer' as const] };
    const { id, expiresAt } = await this.sessions.create({ ...who, kid: null });
    await this.writer.append({
      actor: { org: who.org, sub: who.sub, roles: who.roles },
      action: 'ig.session.start',
      resource: { type: 'ig-session', id: who.sub },
      decision: 'ALLOW',
      reasons: ['demo sign-in'],
      recipientOrg: who.org,
      requestId: req.id,
    });
    setSessionCookie(reply, id, isHttps(req));
    return { ...who, roles: [...who.roles], expiresAt: expiresAt.toISOString() };
  }
}
