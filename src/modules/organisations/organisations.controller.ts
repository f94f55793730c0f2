import { parseRfc3339 } from '@shared/domain/rfc3339.js';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query as Q } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import { ValidationException } from '@shared/errors/index.js';
import { ApiSignedRoute } from '@shared/http/api-problems.js';
import { RegisterOrganisationCommand } from './commands/register-organisation/register-organisation.command.js';
import { RegisterOrganisationDto } from './commands/register-organisation/register-organisation.dto.js';
import { RotateOrganisationKeysCommand } from './commands/rotate-organisation-keys/rotate-organisation-keys.command.js';
import { RotateOrganisationKeysDto } from './commands/rotate-organisation-keys/rotate-organisation-keys.dto.js';
import { GetOrganisationKeysQuery } from './queries/get-organisation-keys/get-organisation-keys.query.js';
import { ListOrganisationsQuery } from './queries/list-organisations/list-organisations.query.js';
import {
  KeyRotationResponse,
  OrganisationKeyHistoryResponse,
  OrganisationResponse,
} from './queries/list-organisations/organisation.response.js';
import { OrgIdParam, PersonKeyParams } from './org-id.param.js';
import { DecidePersonKeyCommand } from './commands/decide-person-key/decide-person-key.command.js';
import { ListPersonKeysQuery } from './queries/list-person-keys/list-person-keys.query.js';
import { PersonKeyDecisionResponse, PersonKeyResponse } from './queries/list-person-keys/person-key.response.js';

@ApiTags('organisations')
@Controller('organisations')
export class OrganisationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The registry of partner organisations' })
  @ApiOkResponse({ type: [OrganisationResponse] })
  @ApiSignedRoute()
  list(@CurrentPrincipal() p: Principal): Promise<OrganisationResponse[]> {
    return this.queries.execute(new ListOrganisationsQuery(p));
  }

  @Post()
  @Roles('gateway-admin')
  @ApiOperation({ summary: 'Register an organisation with its public keys (gateway-admin)' })
  @ApiCreatedResponse({ type: OrganisationResponse })
  @ApiSignedRoute(400, 403, 409)
  async register(
    @CurrentPrincipal() p: Principal,
    @Body() dto: RegisterOrganisationDto,
  ): Promise<OrganisationResponse> {
    await this.commands.execute(new RegisterOrganisationCommand(p, dto));
    return { id: dto.id, kind: dto.kind, name: dto.name, region: dto.region, status: 'ACTIVE' };
  }

  @Put(':id/keys')
  @HttpCode(200)
  @Roles('system', 'gateway-admin')
  @ApiOperation({
    summary:
      "Replace an organisation's active keys; keys left out are revoked at once (its own system, or gateway-admin)",
  })
  @ApiOkResponse({ type: KeyRotationResponse })
  @ApiSignedRoute(400, 403, 404, 409)
  async rotateKeys(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: OrgIdParam,
    @Body() dto: RotateOrganisationKeysDto,
  ): Promise<{ id: string; added: string[]; revoked: string[] }> {
    const r = await this.commands.execute(new RotateOrganisationKeysCommand(p, id, dto.keys));
    return { id, ...r };
  }

  @Get(':id/keys')
  @ApiOperation({
    summary: 'Key history of an organisation (public keys), optionally as at an instant, to re-verify old signatures',
  })
  @ApiQuery({
    name: 'at',
    required: false,
    description: 'RFC 3339 instant',
    schema: { type: 'string', format: 'date-time' },
  })
  @ApiOkResponse({ type: OrganisationKeyHistoryResponse })
  @ApiSignedRoute(400, 404)
  keys(@CurrentPrincipal() p: Principal, @Param() { id }: OrgIdParam, @Q('at') at?: string) {
    let when: Date | undefined;
    if (at !== undefined) {
      const parsed = typeof at === 'string' ? parseRfc3339(at) : null;
      if (!parsed) throw new ValidationException([{ field: 'at', message: 'must be an RFC 3339 date-time' }]);
      when = parsed;
    }
    return this.queries.execute(new GetOrganisationKeysQuery(p, id, when));
  }

  @Get(':id/person-keys')
  @Roles('system', 'gateway-admin')
  @ApiOperation({
    summary:
      "Personal signing keys of the organisation's people, pending, active and revoked (its own system, or gateway-admin)",
  })
  @ApiOkResponse({ type: [PersonKeyResponse] })
  @ApiSignedRoute(400, 403, 404)
  personKeys(@CurrentPrincipal() p: Principal, @Param() { id }: OrgIdParam): Promise<PersonKeyResponse[]> {
    return this.queries.execute(new ListPersonKeysQuery(p, id));
  }

  @Post(':id/person-keys/:kid/approve')
  @HttpCode(200)
  @Roles('system')
  @ApiOperation({
    summary:
      "Approve a pending personal key: from then on it verifies its holder's signatures for its role (the organisation's own system only)",
  })
  @ApiOkResponse({ type: PersonKeyDecisionResponse })
  @ApiSignedRoute(400, 403, 404, 409)
  approvePersonKey(@CurrentPrincipal() p: Principal, @Param() { id, kid }: PersonKeyParams) {
    return this.commands.execute(new DecidePersonKeyCommand(p, id, kid, 'approve'));
  }

  @Post(':id/person-keys/:kid/revoke')
  @HttpCode(200)
  @Roles('system', 'gateway-admin')
  @ApiOperation({
    summary: 'Revoke a personal key at once; it never comes back (its own system, or gateway-admin)',
  })
  @ApiOkResponse({ type: PersonKeyDecisionResponse })
  @ApiSignedRoute(400, 403, 404, 409)
  revokePersonKey(@CurrentPrincipal() p: Principal, @Param() { id, kid }: PersonKeyParams) {
    return this.commands.execute(new DecidePersonKeyCommand(p, id, kid, 'revoke'));
  }
}
