import { Controller, Get, Param, Query as Q } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import { ApiSignedRoute } from '@shared/http/api-problems.js';
import type { SubjectAccessReport } from './application/access-log.search.js';
import { CrnParam } from './access-log.params.js';
import { GetSubjectAccessReportQuery } from './queries/get-subject-access-report/get-subject-access-report.query.js';
import {
  SubjectAccessReportQueryDto,
  SubjectAccessReportResponse,
} from './queries/get-subject-access-report/subject-access-report.dto.js';

@ApiTags('access-log')
@Controller('subjects')
export class SubjectAccessReportController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':crn/access-report')
  @Roles('ig-reviewer')
  @ApiOperation({
    summary:
      "Every access to one person's data within the reviewer's scope: who, when, organisation, purpose, agreement, decision, fields (ig-reviewer)",
    description:
      'Accesses answered "not found" about another organisation\'s data are shown as GET /access-log shows them: redacted, the same whether the case was restricted, unrelated or unknown.',
  })
  @ApiOkResponse({ type: SubjectAccessReportResponse })
  @ApiSignedRoute(400, 403)
  report(
    @CurrentPrincipal() p: Principal,
    @Param() { crn }: CrnParam,
    @Q() dto: SubjectAccessReportQueryDto,
  ): Promise<SubjectAccessReport> {
    return this.queries.execute(new GetSubjectAccessReportQuery(p, crn, dto.page()));
  }
}
