import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import { ApiSignedRoute } from '@shared/http/api-problems.js';
import { GetRetentionReportQuery } from './queries/get-retention-report/get-retention-report.query.js';
import { RetentionReportQueryDto } from './queries/get-retention-report/retention-report.dto.js';
import { RetentionReportResponse } from './queries/get-retention-report/retention-report.response.js';

@ApiTags('retention')
@Controller('retention')
export class RetentionController {
  constructor(private readonly queries: QueryBus) {}

  @Get('report')
  @Roles('ig-reviewer', 'gateway-admin')
  @ApiOperation({
    summary:
      "The retention report: per kind of data, what would be erased at `at` and when next (the caller's organisation's data)",
    description:
      "A dry run of the retention job (README, Retention): the rules in force, how many items of each kind a run at `at` would erase, the next due time after it, and up to 100 due case records, assessments and exchange requests by id and CRN. An IG reviewer sees its own organisation's data (cases it manages, requests it provides, its sessions and tokens); the operator's sees every organisation's. Nothing is erased.",
  })
  @ApiOkResponse({ type: RetentionReportResponse })
  @ApiSignedRoute(400, 403)
  report(@CurrentPrincipal() p: Principal, @Query() q: RetentionReportQueryDto) {
    return this.queries.execute(new GetRetentionReportQuery(p, q.at ? new Date(q.at) : new Date()));
  }
}
