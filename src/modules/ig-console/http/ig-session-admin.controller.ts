import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@shared/auth/decorators.js';
import { logActor, type Principal } from '@shared/auth/principal.js';
import { ApiSignedRoute } from '@shared/http/index.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { IgConsoleException, IgConsoleExceptionCode } from '../domain/ig-console.exception.js';
import { IgSessions } from '../domain/ig-sessions.port.js';
import { OrganisationParam } from './ig-console.dto.js';

/** The operator's control over IG console sessions (signed API, gateway-admin). */
@ApiTags('IG console')
@Controller('organisations')
export class IgSessionAdminController {
  constructor(
    private readonly sessions: IgSessions,
    private readonly orgs: OrganisationDirectory,
    private readonly writer: AccessLogWriter,
  ) {}

  /**
   * Ends every IG console session of an organisation at once, on every instance (the sessions
   * live in PostgreSQL and each console call looks its session up). The sessions are deleted
   * first, then the act is logged: a failure to log (503) leaves them ended, never open.
   */
  @Delete(':id/ig-sessions')
  @HttpCode(200)
  @Roles('gateway-admin')
  @ApiOperation({
    summary: 'End every IG console session of an organisation (gateway-admin); logged as ig.session.end-all',
  })
  @ApiOkResponse({ description: '{ org, ended: number of sessions ended }' })
  @ApiSignedRoute(400, 403, 404)
  async endAll(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: OrganisationParam,
  ): Promise<{ org: string; ended: number }> {
    if (!(await this.orgs.get(id)))
      throw new IgConsoleException(IgConsoleExceptionCode.OrganisationUnknown, `There is no organisation "${id}".`);
    const ended = await this.sessions.deleteAllOf(id);
    await this.writer.append({
      actor: logActor(p),
      action: 'ig.session.end-all',
      resource: { type: 'ig-sessions', id },
      reason: p.reason,
      decision: 'ALLOW',
      reasons: [`ended:${ended}`],
      recipientOrg: id,
      ownerOrg: id,
      requestId: p.requestId,
      jti: p.jti,
    });
    return { org: id, ended };
  }
}
