import { Body, Controller, Get, HttpCode, Param, Post, Query as Q, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import { ValidationException } from '@shared/errors/index.js';
import { ApiSignedRoute } from '@shared/http/api-problems.js';
import { CohortResponseDoc, PersonSearchResponseDoc } from './cases.responses.js';
import { personSearchOf } from './domain/person-search.js';
import { ForceParam } from './queries/list-cohort/list-cohort.dto.js';
import { ListCohortQuery } from './queries/list-cohort/list-cohort.query.js';
import { PurposeQueryDto } from './queries/read-case/read-case.dto.js';
import { SearchPeopleDto } from './queries/search-people/search-people.dto.js';
import { SearchPeopleQuery } from './queries/search-people/search-people.query.js';

interface Reply {
  header(name: string, value: string): Reply;
}

/** Finding people for partner systems: person search and IOM cohort lists (docs/api.md, Person search). */
@ApiTags('people')
@Controller()
export class PeopleSearchController {
  constructor(private readonly queries: QueryBus) {}

  @Post('people/search')
  @HttpCode(200)
  @Roles('iom-officer', 'offender-manager', 'system')
  @ApiOperation({
    summary:
      'Find the people the caller may know of by PNC ID, or name and date of birth (or CRN); releases no case data',
    description:
      'Each result is a case whose summary read for the purpose would release data: its CRN, its managing organisation, and maySeeSummary (always true). A person the caller may not know of is absent, exactly as an unknown person. The token reason is required. Every search is logged: one person.search entry per CRN named (none for those left out), or one naming nobody; the search terms are not logged.',
  })
  @ApiOkResponse({ type: PersonSearchResponseDoc })
  @ApiSignedRoute(400, 403)
  search(@CurrentPrincipal() p: Principal, @Body() dto: SearchPeopleDto, @Res({ passthrough: true }) reply: Reply) {
    const search = personSearchOf(dto);
    if (Array.isArray(search))
      throw new ValidationException(search, 'Search by one way: pnc, or name and date of birth.');
    reply.header('cache-control', 'no-store');
    return this.queries.execute(new SearchPeopleQuery(p, search, dto.purpose));
  }

  @Get('cohorts/:force/members')
  @Roles('iom-officer', 'offender-manager', 'system')
  @ApiOperation({
    summary:
      "The members of a police force's IOM cohort the caller may know of, with the RoSH level and assessment date where released",
    description:
      "Each member is decided as a summary read for the purpose; those a summary read would answer 404 for (restricted cases; for police, every case outside their own force's cohort) are absent, so another force's cohort and an unknown force answer an empty list. roshLevel and assessedAt are absent where withheld and named in fieldsWithheld. The token reason is required. One cohort.list entry per member listed, or one naming nobody.",
  })
  @ApiOkResponse({ type: CohortResponseDoc })
  @ApiSignedRoute(400, 403)
  cohort(
    @CurrentPrincipal() p: Principal,
    @Param() { force }: ForceParam,
    @Q() { purpose }: PurposeQueryDto,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    reply.header('cache-control', 'no-store');
    return this.queries.execute(new ListCohortQuery(p, force, purpose));
  }
}
