import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query as Q, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ReadsWithClaim, Roles } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import { ApiSignedRoute } from '@shared/http/api-problems.js';
import { CASE_CLAIM_READ } from './domain/case.repository.port.js';
import {
  AssessmentWriteResponse,
  CaseSummaryResponse,
  CaseViewResponse,
  CaseWriteResponse,
  EscalationResponse,
  ExplainResponse,
  RestrictionResponse,
  RightsResponse,
  TransferAcceptedResponse,
  TransferResponse,
} from './cases.responses.js';
import { EraseCaseCommand } from './commands/erase-case/erase-case.command.js';
import { EraseCaseDto } from './commands/erase-case/erase-case.dto.js';
import { RectifyCaseCommand } from './commands/rectify-case/rectify-case.command.js';
import { RectifyCaseDto } from './commands/rectify-case/rectify-case.dto.js';
import { RestrictCaseCommand } from './commands/restrict-case/restrict-case.command.js';
import { RestrictCaseDto } from './commands/restrict-case/restrict-case.dto.js';
import { AcceptTransferCommand } from './commands/accept-transfer/accept-transfer.command.js';
import { RecordAssessmentCommand } from './commands/record-assessment/record-assessment.command.js';
import { AssessmentParams, RecordAssessmentDto } from './commands/record-assessment/record-assessment.dto.js';
import { RequestTransferCommand } from './commands/request-transfer/request-transfer.command.js';
import { RequestTransferDto, TransferParams } from './commands/request-transfer/request-transfer.dto.js';
import { UpsertCaseCommand } from './commands/upsert-case/upsert-case.command.js';
import { UpsertCaseDto } from './commands/upsert-case/upsert-case.dto.js';
import { ExplainDecisionDto } from './queries/explain-decision/explain-decision.dto.js';
import { ExplainDecisionQuery } from './queries/explain-decision/explain-decision.query.js';
import { ListEscalationsQuery } from './queries/list-escalations/list-escalations.query.js';
import { CrnParam, PurposeQueryDto } from './queries/read-case/read-case.dto.js';
import { ReadCaseQuery } from './queries/read-case/read-case.query.js';

interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
}

@ApiTags('cases')
@Controller()
export class CasesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('cases/escalations')
  @Roles('system', 'offender-manager')
  @ApiOperation({
    summary:
      'CRC cases assessed at HIGH or VERY_HIGH RoSH awaiting transfer to the NPS (the CRC and NPS of the region)',
  })
  @ApiOkResponse({ type: [EscalationResponse] })
  @ApiSignedRoute(403)
  escalations(@CurrentPrincipal() p: Principal) {
    return this.queries.execute(new ListEscalationsQuery(p));
  }

  @Put('cases/:crn')
  @Roles('system')
  @ApiOperation({
    summary:
      "Create or replace a case record (the managing organisation's system; only the NPS, the allocating authority, creates)",
    description:
      "An NPS region's system creates an unused CRN for itself or for an active CRC of its region (otherwise 400 allocation_invalid); from then on only the managing organisation's system replaces it, and a change of manager is a transfer (409 managing_org_change_needs_transfer). Any other system gets the same 403 for a CRN managed elsewhere and for an unknown one; an NPS system gets 409 crn_already_allocated for a CRN held elsewhere, naming nobody.",
  })
  @ApiOkResponse({ description: 'replaced', type: CaseWriteResponse })
  @ApiCreatedResponse({ description: 'created', type: CaseWriteResponse })
  @ApiSignedRoute(400, 403, 409)
  async upsert(
    @CurrentPrincipal() p: Principal,
    @Param() { crn }: CrnParam,
    @Body() dto: UpsertCaseDto,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    const r = await this.commands.execute(new UpsertCaseCommand(p, crn, dto));
    reply.status(r.created ? 201 : 200).header('cache-control', 'no-store');
    return { crn, created: r.created, accessLogIndex: r.accessLogIndex };
  }

  @Put('cases/:crn/assessments/:assessmentId')
  @Roles('system')
  @ApiOperation({
    summary:
      'Record an OASys-style assessment (managing organisation); raises an escalation when a CRC case reaches HIGH RoSH',
  })
  @ApiOkResponse({ description: 'replaced (the same assessment id again)', type: AssessmentWriteResponse })
  @ApiCreatedResponse({ description: 'recorded', type: AssessmentWriteResponse })
  @ApiSignedRoute(400, 403, 404)
  async assessment(
    @CurrentPrincipal() p: Principal,
    @Param() params: AssessmentParams,
    @Body() dto: RecordAssessmentDto,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    const r = await this.commands.execute(new RecordAssessmentCommand(p, params.crn, params.assessmentId, dto));
    reply.status(r.created ? 201 : 200);
    return { crn: params.crn, assessmentId: params.assessmentId, ...r };
  }

  @Get('cases/:crn')
  @ReadsWithClaim(CASE_CLAIM_READ, 'crn')
  @ApiOperation({
    summary:
      'The case with only the fields the caller may see for the purpose; purpose and the token reason are required; every read is logged first',
  })
  @ApiOkResponse({ type: CaseViewResponse })
  @ApiSignedRoute(400, 403, 404)
  async read(
    @CurrentPrincipal() p: Principal,
    @Param() { crn }: CrnParam,
    @Q() { purpose }: PurposeQueryDto,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    reply.header('cache-control', 'no-store');
    return this.queries.execute(new ReadCaseQuery(p, crn, purpose, 'case'));
  }

  @Get('cases/:crn/summary')
  @ReadsWithClaim(CASE_CLAIM_READ, 'crn')
  @ApiOperation({
    summary: 'OASys-style summary for the purpose; withheld fields are absent and named in fieldsWithheld',
  })
  @ApiOkResponse({ type: CaseSummaryResponse })
  @ApiSignedRoute(400, 403, 404)
  async summary(
    @CurrentPrincipal() p: Principal,
    @Param() { crn }: CrnParam,
    @Q() { purpose }: PurposeQueryDto,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    reply.header('cache-control', 'no-store');
    return this.queries.execute(new ReadCaseQuery(p, crn, purpose, 'summary'));
  }

  @Post('cases/:crn/transfers')
  @Roles('system', 'offender-manager')
  @ApiOperation({ summary: 'Offer management of the case to another NPS region or CRC (managing organisation)' })
  @ApiCreatedResponse({ type: TransferResponse })
  @ApiSignedRoute(400, 403, 404, 409)
  async transfer(@CurrentPrincipal() p: Principal, @Param() { crn }: CrnParam, @Body() dto: RequestTransferDto) {
    const r = await this.commands.execute(new RequestTransferCommand(p, crn, dto.toOrg, dto.reason));
    return { ...r, crn, toOrg: dto.toOrg };
  }

  @Post('cases/:crn/transfers/:id/accept')
  @HttpCode(200)
  @Roles('system', 'offender-manager')
  @ApiOperation({ summary: 'Accept a transfer (receiving organisation); access follows the case at once' })
  @ApiOkResponse({ type: TransferAcceptedResponse })
  @ApiSignedRoute(400, 403, 404, 409)
  accept(@CurrentPrincipal() p: Principal, @Param() params: TransferParams) {
    return this.commands.execute(new AcceptTransferCommand(p, params.crn, params.id));
  }

  @Post('cases/:crn/rectifications')
  @HttpCode(200)
  @Roles('system', 'data-owner')
  @ApiOperation({
    summary: 'Rectify inaccurate case data (managing organisation, DPA 2018 s.46); recipients are told',
    description:
      'Corrects person details or the tier. Every organisation the access log shows received a corrected field gets a case.rectified event (the CRN only). Any caller but the managing organisation gets the answer of an unknown CRN (404). See docs/retention.md.',
  })
  @ApiOkResponse({ type: RightsResponse })
  @ApiSignedRoute(400, 403, 404)
  rectify(@CurrentPrincipal() p: Principal, @Param() { crn }: CrnParam, @Body() dto: RectifyCaseDto) {
    return this.commands.execute(new RectifyCaseCommand(p, crn, dto));
  }

  @Post('cases/:crn/erasure')
  @HttpCode(200)
  @Roles('system', 'data-owner')
  @ApiOperation({
    summary: 'Erase the case, or parts of it (managing organisation, DPA 2018 s.47(1)); recipients are told',
    description:
      'Without parts: the record, its assessments and transfers are erased and the CRN is from then on unknown to every caller. With parts: those are erased and the case kept. Every organisation the access log shows received an erased field (any field, for the whole case) gets a case.erased event (the CRN only). Any caller but the managing organisation gets the answer of an unknown CRN (404). The access log keeps its entries.',
  })
  @ApiOkResponse({ type: RightsResponse })
  @ApiSignedRoute(400, 403, 404)
  erase(@CurrentPrincipal() p: Principal, @Param() { crn }: CrnParam, @Body() dto: EraseCaseDto) {
    return this.commands.execute(new EraseCaseCommand(p, crn, dto));
  }

  @Put('cases/:crn/restriction')
  @Roles('system', 'data-owner')
  @ApiOperation({
    summary: 'Restrict processing of the case (managing organisation, DPA 2018 s.47); recipients are told',
    description:
      'The case is held but released to nobody but its manager: for every other caller and its IG it reads exactly like an unknown CRN. Every organisation the access log shows received any field of the case gets a case.restricted event (the CRN only). Restricting an already restricted case changes nothing and tells nobody. Any caller but the managing organisation gets the answer of an unknown CRN (404).',
  })
  @ApiOkResponse({ type: RestrictionResponse })
  @ApiSignedRoute(400, 403, 404)
  restrict(@CurrentPrincipal() p: Principal, @Param() { crn }: CrnParam, @Body() dto: RestrictCaseDto) {
    return this.commands.execute(new RestrictCaseCommand(p, crn, dto.reason));
  }

  @Delete('cases/:crn/restriction')
  @Roles('system', 'data-owner')
  @ApiOperation({
    summary: 'Lift the restriction of processing (managing organisation)',
    description:
      'Lifts the s.47 restriction placed through PUT; a restriction pushed with the record (restricted: true in PUT /cases/{crn}) stays. Any caller but the managing organisation gets the answer of an unknown CRN (404).',
  })
  @ApiOkResponse({ type: RestrictionResponse })
  @ApiSignedRoute(400, 403, 404)
  lift(@CurrentPrincipal() p: Principal, @Param() { crn }: CrnParam) {
    return this.commands.execute(new RestrictCaseCommand(p, crn, null));
  }

  @Post('policies/explain')
  @HttpCode(200)
  @Roles('ig-reviewer', 'gateway-admin')
  @ApiOperation({
    summary: 'Explain the decision for a principal, CRN and purpose, field by field, without releasing data',
    description:
      "The operator's reviewers and those of the case's managing organisation get the full explanation. Any other reviewer may ask only about its own organisation's principals (otherwise 404, whatever the CRN), and for a case that principal would be answered 404 gets exactly the answer of an unknown CRN: decision DENY, outcome not_found, reasons [not_found], no relationships, fields or agreement.",
  })
  @ApiOkResponse({ type: ExplainResponse })
  @ApiSignedRoute(400, 403, 404)
  explain(@CurrentPrincipal() p: Principal, @Body() dto: ExplainDecisionDto) {
    return this.queries.execute(new ExplainDecisionQuery(p, dto));
  }
}
