import { Controller, Get, HttpCode, Param, Post, Query as Q, Res, StreamableFile } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { CurrentPrincipal, Roles } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import { ApiSignedRoute } from '@shared/http/api-problems.js';
import type { AccessLogPage, EntryRead } from './application/access-log.search.js';
import type { EntryView } from './domain/entry-view.js';
import type { ConsistencyProof, InclusionProof } from './application/access-log.proofs.js';
import type { SignedCheckpoint } from './domain/checkpoint.js';
import { EntryIndexParam } from './access-log.params.js';
import { CreateCheckpointCommand } from './commands/create-checkpoint/create-checkpoint.command.js';
import { AccessLogFilterDto, AccessLogSearchDto } from './queries/search-access-log/access-log-search.dto.js';
import { AccessLogEntryResponse, AccessLogPageResponse } from './queries/search-access-log/access-log-page.response.js';
import { SearchAccessLogQuery } from './queries/search-access-log/search-access-log.query.js';
import { ExportAccessLogQuery } from './queries/export-access-log/export-access-log.query.js';
import { GetAccessLogEntryQuery } from './queries/get-access-log-entry/get-access-log-entry.query.js';
import { InclusionProofQueryDto, InclusionProofResponse } from './queries/get-inclusion-proof/inclusion-proof.dto.js';
import { GetInclusionProofQuery } from './queries/get-inclusion-proof/get-inclusion-proof.query.js';
import {
  ConsistencyProofQueryDto,
  ConsistencyProofResponse,
} from './queries/get-consistency-proof/consistency-proof.dto.js';
import { GetConsistencyProofQuery } from './queries/get-consistency-proof/get-consistency-proof.query.js';
import { CheckpointResponse, TreeSizeParam } from './queries/get-checkpoint/checkpoint.response.js';
import { GetCheckpointQuery } from './queries/get-checkpoint/get-checkpoint.query.js';

interface Reply {
  header(name: string, value: string): Reply;
}

/**
 * Reading the log (entries, search, export) is for IG reviewers, scoped to their organisation,
 * and is itself logged. Proofs and checkpoints carry hashes only: any authenticated partner may
 * fetch them to verify its receipts.
 */
@ApiTags('access-log')
@Controller('access-log')
export class AccessLogController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @Roles('ig-reviewer')
  @ApiOperation({
    summary:
      "Search the access log, newest first (ig-reviewer; scoped to the reviewer's organisation, the operator's IG sees all)",
    description:
      "Entries of \"not found\" answers about another organisation's data (restricted, unrelated or unknown case alike) are served redacted: ownerOrg null, reasons ['not_found'], no agreement or fields, redacted: true and the stored leafHash. The data's owner and the operator see them whole. Filters test only members the redaction keeps. Entries older than the log's retention period are shown pruned (`pruned: { on, cutoff }`, redacted, every personal member empty), so a filter on crn, actor or purpose no longer finds them.",
  })
  @ApiOkResponse({ type: AccessLogPageResponse })
  @ApiSignedRoute(400, 403)
  search(@CurrentPrincipal() p: Principal, @Q() dto: AccessLogSearchDto): Promise<AccessLogPage> {
    return this.queries.execute(new SearchAccessLogQuery(p, dto.toFilter(), dto.page()));
  }

  @Get('export.csv')
  @Roles('ig-reviewer')
  @ApiOperation({
    summary: 'The matching entries as CSV, streamed (ig-reviewer; same filters and scope as the search)',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'One header line, then one line per entry, newest first',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiSignedRoute(400, 403)
  async exportCsv(@CurrentPrincipal() p: Principal, @Q() dto: AccessLogFilterDto): Promise<StreamableFile> {
    const lines = await this.queries.execute(new ExportAccessLogQuery(p, dto.toFilter()));
    return new StreamableFile(Readable.from(lines, { objectMode: false }), {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="access-log.csv"',
    });
  }

  @Get('entries/:index')
  @Roles('ig-reviewer')
  @ApiOperation({
    summary: 'One entry, exactly the canonical JSON bytes hashed into the tree (ig-reviewer; 404 outside the scope)',
    description:
      "An entry recording a \"not found\" answer (a restricted case, a case outside every relationship, an unknown CRN) is served to reviewers other than the data's owner and the operator as its projection: ownerOrg null, reasons ['not_found'], no agreement or fields, `redacted: true` and the stored entry's `leafHash`, whose inclusion proof still verifies. An entry whose body was pruned under the retention schedule is served the same way, with `pruned: { on, cutoff }` and every member that held personal data empty.",
  })
  @ApiOkResponse({ type: AccessLogEntryResponse })
  @ApiSignedRoute(400, 403, 404)
  async entry(
    @CurrentPrincipal() p: Principal,
    @Param() { index }: EntryIndexParam,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<Buffer | EntryView> {
    const read: EntryRead = await this.queries.execute(new GetAccessLogEntryQuery(p, Number(index)));
    reply.header('content-type', 'application/json; charset=utf-8');
    // Stored entries are sent as stored, never re-serialised, so SHA-256(0x00 || body) is the leaf hash.
    return read.kind === 'stored' ? read.bytes : read.view;
  }

  @Get('entries/:index/proof')
  @ApiOperation({ summary: 'RFC 9162 inclusion proof of an entry in the tree of treeSize entries (any partner)' })
  @ApiOkResponse({ type: InclusionProofResponse })
  @ApiSignedRoute(400, 404)
  proof(@Param() { index }: EntryIndexParam, @Q() { treeSize }: InclusionProofQueryDto): Promise<InclusionProof> {
    return this.queries.execute(new GetInclusionProofQuery(Number(index), Number(treeSize)));
  }

  @Get('consistency')
  @ApiOperation({ summary: 'RFC 9162 consistency proof between two tree sizes (any partner)' })
  @ApiOkResponse({ type: ConsistencyProofResponse })
  @ApiSignedRoute(400)
  consistency(@Q() { from, to }: ConsistencyProofQueryDto): Promise<ConsistencyProof> {
    return this.queries.execute(new GetConsistencyProofQuery(Number(from), Number(to)));
  }

  @Get('checkpoints/latest')
  @ApiOperation({ summary: 'The newest signed checkpoint { treeSize, rootHash, timestamp, jws } (any partner)' })
  @ApiOkResponse({ type: CheckpointResponse })
  @ApiSignedRoute()
  latest(): Promise<SignedCheckpoint> {
    return this.queries.execute(new GetCheckpointQuery());
  }

  @Get('checkpoints/:treeSize')
  @ApiOperation({ summary: 'The signed checkpoint made at a tree size, kept for consistency checks (any partner)' })
  @ApiOkResponse({ type: CheckpointResponse })
  @ApiSignedRoute(400, 404)
  checkpoint(@Param() { treeSize }: TreeSizeParam): Promise<SignedCheckpoint> {
    return this.queries.execute(new GetCheckpointQuery(Number(treeSize)));
  }

  @Post('checkpoints')
  @HttpCode(200)
  @Roles('ig-reviewer', 'gateway-admin', 'system')
  @ApiOperation({
    summary:
      'Sign a checkpoint of the log as it is now, or get the one already made at this size (ig-reviewer, gateway-admin, system)',
  })
  @ApiOkResponse({ type: CheckpointResponse })
  @ApiSignedRoute(403)
  async createCheckpoint(): Promise<SignedCheckpoint> {
    const treeSize = await this.commands.execute(new CreateCheckpointCommand());
    return this.queries.execute(new GetCheckpointQuery(treeSize));
  }
}
