import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import { ApiSignedRoute } from '@shared/http/index.js';
import {
  IdentityProviderRegistry,
  type IdentityProviderView,
} from '../application/identity-provider-registry.service.js';
import {
  IdentityProviderRegisteredResponse,
  IdentityProviderRemovedResponse,
  IdentityProviderResponse,
  RegisterIdentityProviderDto,
} from './identity-provider.dto.js';
import { OrgSlugParam } from './org-slug.param.js';

/** An organisation's identity provider, through which its people sign in (signed API). */
@ApiTags('organisations')
@Controller('organisations')
export class IdentityProviderController {
  constructor(private readonly registry: IdentityProviderRegistry) {}

  @Put(':id/identity-provider')
  @HttpCode(200)
  @Roles('system', 'gateway-admin')
  @ApiOperation({
    summary:
      "Register or change an organisation's identity provider; a change ends its people's sessions (its own system, or gateway-admin)",
  })
  @ApiOkResponse({ type: IdentityProviderRegisteredResponse })
  @ApiSignedRoute(400, 403, 404)
  register(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: OrgSlugParam,
    @Body() dto: RegisterIdentityProviderDto,
  ): Promise<IdentityProviderRegisteredResponse> {
    return this.registry.register(p, id, dto);
  }

  @Get(':id/identity-provider')
  @Roles('system', 'gateway-admin')
  @ApiOperation({ summary: "An organisation's registered identity provider (its own system, or gateway-admin)" })
  @ApiOkResponse({ type: IdentityProviderResponse })
  @ApiSignedRoute(400, 403, 404)
  get(@CurrentPrincipal() p: Principal, @Param() { id }: OrgSlugParam): Promise<IdentityProviderView> {
    return this.registry.get(p, id);
  }

  @Delete(':id/identity-provider')
  @HttpCode(200)
  @Roles('system', 'gateway-admin')
  @ApiOperation({
    summary: "Remove an organisation's identity provider; its people's sessions end (its own system, or gateway-admin)",
  })
  @ApiOkResponse({ type: IdentityProviderRemovedResponse })
  @ApiSignedRoute(400, 403, 404)
  remove(@CurrentPrincipal() p: Principal, @Param() { id }: OrgSlugParam): Promise<IdentityProviderRemovedResponse> {
    return this.registry.remove(p, id);
  }
}
