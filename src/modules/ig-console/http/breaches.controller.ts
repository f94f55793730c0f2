import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import { ApiSignedRoute } from '@shared/http/api-problems.js';
import { BreachRegisterService, type BreachView } from '../application/breach-register.service.js';
import { BreachIdParam, BreachListResponse, BreachResponse, ChangeBreachDto, RecordBreachDto } from './breach.dto.js';

/**
 * The breach register (DPA 2018 s.67, UK GDPR art. 33) for signed callers: an organisation's IG
 * records its personal data breaches and their 72-hour ICO clock. Each organisation sees its own
 * register only; another's breach answers 404 like an id that does not exist.
 */
@ApiTags('ig-records')
@Roles('ig-reviewer')
@Controller('breaches')
export class BreachesController {
  constructor(private readonly register: BreachRegisterService) {}

  @Post()
  @ApiOperation({ summary: "Record a personal data breach in the organisation's register (ig-reviewer); it is OPEN" })
  @ApiCreatedResponse({ type: BreachResponse })
  @ApiSignedRoute(400, 403)
  record(@CurrentPrincipal() p: Principal, @Body() dto: RecordBreachDto): Promise<BreachView> {
    return this.register.record(p, dto.toNewBreach());
  }

  @Get()
  @ApiOperation({ summary: "The organisation's breaches, most recently discovered first, with their ICO clocks" })
  @ApiOkResponse({ type: BreachListResponse })
  @ApiSignedRoute(403)
  list(@CurrentPrincipal() p: Principal): Promise<{ breaches: BreachView[] }> {
    return this.register.list(p);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One breach: its current state, its ICO clock and every earlier version' })
  @ApiOkResponse({ type: BreachResponse })
  @ApiSignedRoute(400, 403, 404)
  get(@CurrentPrincipal() p: Principal, @Param() { id }: BreachIdParam): Promise<BreachView> {
    return this.register.get(p, id);
  }

  @Post(':id/changes')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record a change (status, report to the ICO, reasons, facts) as a new version of the breach',
    description:
      'REPORTED needs icoReportedAt; NOT_REPORTABLE needs notReportableReason; CLOSED follows either. A closed breach answers 409.',
  })
  @ApiCreatedResponse({ type: BreachResponse })
  @ApiSignedRoute(400, 403, 404, 409)
  change(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: BreachIdParam,
    @Body() dto: ChangeBreachDto,
  ): Promise<BreachView> {
    return this.register.change(p, id, dto.toChange());
  }
}
