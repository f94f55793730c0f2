import { Body, Controller, Get, HttpCode, Param, Post, Put, Query as Q, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import { ApiSignedRoute } from '@shared/http/api-problems.js';
import { AgreementIdParam, AgreementVersionParam, ListAgreementsParams } from './agreement-params.js';
import { AmendAgreementCommand } from './commands/amend-agreement/amend-agreement.command.js';
import { AgreementTermsDto } from './commands/draft-agreement/agreement-terms.dto.js';
import { DraftAgreementCommand } from './commands/draft-agreement/draft-agreement.command.js';
import { ResumeAgreementCommand } from './commands/resume-agreement/resume-agreement.command.js';
import { SignAgreementCommand } from './commands/sign-agreement/sign-agreement.command.js';
import { SignAgreementDto } from './commands/sign-agreement/sign-agreement.dto.js';
import { StatusReasonDto } from './commands/status-reason.dto.js';
import { SubmitAgreementCommand } from './commands/submit-agreement/submit-agreement.command.js';
import { SuspendAgreementCommand } from './commands/suspend-agreement/suspend-agreement.command.js';
import { TerminateAgreementCommand } from './commands/terminate-agreement/terminate-agreement.command.js';
import { AgreementResponse } from './queries/get-agreement/agreement.response.js';
import { GetAgreementQuery } from './queries/get-agreement/get-agreement.query.js';
import { GetAgreementDocumentQuery } from './queries/get-agreement-document/get-agreement-document.query.js';
import {
  AgreementVersionResponse,
  AgreementVersionSummaryResponse,
} from './queries/get-agreement-version/agreement-version.response.js';
import { GetAgreementVersionQuery } from './queries/get-agreement-version/get-agreement-version.query.js';
import { ListAgreementVersionsQuery } from './queries/list-agreement-versions/list-agreement-versions.query.js';
import { ListAgreementsQuery } from './queries/list-agreements/list-agreements.query.js';

/**
 * Data-sharing agreements (docs/api.md). Every change answers with the agreement as it now stands,
 * after its access-log entry is durable.
 */
@ApiTags('agreements')
@Controller('agreements')
export class AgreementsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('dsa-signatory', 'gateway-admin')
  @ApiOperation({ summary: "Draft an agreement (a party's dsa-signatory, or the operator's gateway-admin)" })
  @ApiCreatedResponse({ type: AgreementResponse })
  @ApiSignedRoute(400, 403)
  async draft(@CurrentPrincipal() p: Principal, @Body() dto: AgreementTermsDto): Promise<AgreementResponse> {
    const id = await this.commands.execute(new DraftAgreementCommand(p, dto));
    return this.queries.execute(new GetAgreementQuery(p, id));
  }

  @Get()
  @ApiOperation({ summary: "Agreements the caller's organisation is or was party to (the operator sees all)" })
  @ApiOkResponse({ type: [AgreementResponse] })
  @ApiSignedRoute(400)
  list(@CurrentPrincipal() p: Principal, @Q() q: ListAgreementsParams): Promise<AgreementResponse[]> {
    return this.queries.execute(new ListAgreementsQuery(p, q));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One agreement with its status, current version, version in force and signatures' })
  @ApiOkResponse({ type: AgreementResponse })
  @ApiSignedRoute(400, 404)
  get(@CurrentPrincipal() p: Principal, @Param() { id }: AgreementIdParam): Promise<AgreementResponse> {
    return this.queries.execute(new GetAgreementQuery(p, id));
  }

  @Put(':id')
  @Roles('dsa-signatory', 'gateway-admin')
  @ApiOperation({ summary: 'Amend: new terms become a new version that every party signs again' })
  @ApiOkResponse({ type: AgreementResponse })
  @ApiSignedRoute(400, 403, 404, 409)
  async amend(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: AgreementIdParam,
    @Body() dto: AgreementTermsDto,
  ): Promise<AgreementResponse> {
    await this.commands.execute(new AmendAgreementCommand(p, id, dto));
    return this.queries.execute(new GetAgreementQuery(p, id));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Roles('dsa-signatory', 'gateway-admin')
  @ApiOperation({ summary: 'DRAFT -> PENDING_SIGNATURES (a first signature does this too)' })
  @ApiOkResponse({ type: AgreementResponse })
  @ApiSignedRoute(403, 404, 409)
  async submit(@CurrentPrincipal() p: Principal, @Param() { id }: AgreementIdParam): Promise<AgreementResponse> {
    await this.commands.execute(new SubmitAgreementCommand(p, id));
    return this.queries.execute(new GetAgreementQuery(p, id));
  }

  @Get(':id/document')
  @ApiProduces('application/json')
  @ApiOperation({ summary: 'The canonical (RFC 8785) document of the current version: the exact bytes a party signs' })
  @ApiOkResponse({ description: 'Canonical JSON; headers x-agreement-version and x-document-sha256 (base64url)' })
  @ApiSignedRoute(400, 404)
  async document(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: AgreementIdParam,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.sendDocument(reply, await this.queries.execute(new GetAgreementDocumentQuery(p, id)));
  }

  @Get(':id/versions')
  @ApiOperation({ summary: 'Every version, with who signed each' })
  @ApiOkResponse({ type: [AgreementVersionSummaryResponse] })
  @ApiSignedRoute(400, 404)
  versions(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: AgreementIdParam,
  ): Promise<AgreementVersionSummaryResponse[]> {
    return this.queries.execute(new ListAgreementVersionsQuery(p, id));
  }

  @Get(':id/versions/:version')
  @ApiOperation({ summary: 'One version (superseded ones stay readable) with its signatures' })
  @ApiOkResponse({ type: AgreementVersionResponse })
  @ApiSignedRoute(400, 404)
  version(
    @CurrentPrincipal() p: Principal,
    @Param() { id, version }: AgreementVersionParam,
  ): Promise<AgreementVersionResponse> {
    return this.queries.execute(new GetAgreementVersionQuery(p, id, version));
  }

  @Get(':id/versions/:version/document')
  @ApiProduces('application/json')
  @ApiOperation({ summary: 'The canonical document of one version, to re-verify its signatures' })
  @ApiOkResponse({ description: 'Canonical JSON; headers x-agreement-version and x-document-sha256 (base64url)' })
  @ApiSignedRoute(400, 404)
  async versionDocument(
    @CurrentPrincipal() p: Principal,
    @Param() { id, version }: AgreementVersionParam,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.sendDocument(reply, await this.queries.execute(new GetAgreementDocumentQuery(p, id, version)));
  }

  @Post(':id/signatures')
  @Roles('dsa-signatory')
  @ApiOperation({
    summary: "Sign the current version for the caller's organisation: { jws } over exactly the document's bytes",
  })
  @ApiCreatedResponse({ type: AgreementResponse })
  @ApiSignedRoute(400, 403, 404, 409)
  async sign(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: AgreementIdParam,
    @Body() dto: SignAgreementDto,
  ): Promise<AgreementResponse> {
    await this.commands.execute(new SignAgreementCommand(p, id, dto.jws));
    return this.queries.execute(new GetAgreementQuery(p, id));
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Roles('dsa-signatory', 'ig-reviewer', 'gateway-admin')
  @ApiOperation({
    summary: "Stop sharing now (a party's dsa-signatory, or the operator's ig-reviewer or gateway-admin)",
  })
  @ApiOkResponse({ type: AgreementResponse })
  @ApiSignedRoute(400, 403, 404, 409)
  async suspend(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: AgreementIdParam,
    @Body() dto: StatusReasonDto,
  ): Promise<AgreementResponse> {
    await this.commands.execute(new SuspendAgreementCommand(p, id, dto.reason));
    return this.queries.execute(new GetAgreementQuery(p, id));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('dsa-signatory', 'ig-reviewer', 'gateway-admin')
  @ApiOperation({
    summary:
      "Lift a suspension (the suspending organisation's dsa-signatory, or the operator's ig-reviewer or gateway-admin)",
  })
  @ApiOkResponse({ type: AgreementResponse })
  @ApiSignedRoute(400, 403, 404, 409)
  async resume(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: AgreementIdParam,
    @Body() dto: StatusReasonDto,
  ): Promise<AgreementResponse> {
    await this.commands.execute(new ResumeAgreementCommand(p, id, dto.reason));
    return this.queries.execute(new GetAgreementQuery(p, id));
  }

  @Post(':id/terminate')
  @HttpCode(200)
  @Roles('dsa-signatory', 'gateway-admin')
  @ApiOperation({ summary: "End the agreement for good (a party's dsa-signatory, or the operator's gateway-admin)" })
  @ApiOkResponse({ type: AgreementResponse })
  @ApiSignedRoute(400, 403, 404, 409)
  async terminate(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: AgreementIdParam,
    @Body() dto: StatusReasonDto,
  ): Promise<AgreementResponse> {
    await this.commands.execute(new TerminateAgreementCommand(p, id, dto.reason));
    return this.queries.execute(new GetAgreementQuery(p, id));
  }

  private sendDocument(reply: FastifyReply, d: { version: number; document: string; sha256: string }): string {
    reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('x-agreement-version', String(d.version))
      .header('x-document-sha256', d.sha256);
    return d.document;
  }
}
