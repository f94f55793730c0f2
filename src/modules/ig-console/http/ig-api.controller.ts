import { EARLIEST_INSTANT } from '@shared/domain/rfc3339.js';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  StreamableFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { Readable } from 'node:stream';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@shared/auth/decorators.js';
import { ValidationException } from '@shared/errors/index.js';
import type { Principal } from '@shared/auth/principal.js';
import {
  AccessLogProofs,
  AccessLogSearch,
  CheckpointService,
  LogNotes,
  type AccessLogPage,
  type EntryView,
  type InclusionProof,
  type SignedCheckpoint,
  type StoredAccessLogEntry,
  type SubjectAccessReport,
  type Witnessing,
} from '@modules/access-log/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { GetRetentionReportQuery, RetentionReportQueryDto, type RetentionReport } from '@modules/retention/index.js';
import { BreachRegisterService, type BreachView } from '../application/breach-register.service.js';
import {
  GovernanceOverviewService,
  type AgreementRecord,
  type GovernanceOverview,
} from '../application/governance-overview.service.js';
import { ActivityChartsService } from '../application/activity-charts.service.js';
import { IgSessionGuard, Reviewer } from '../application/ig-session.guard.js';
import type { ActivityCharts } from '../domain/activity-charts.js';
import { AgreementsSource } from '../domain/agreement-view.js';
import { MisuseFlagsService, type FlagsPage } from '../application/misuse-flags.service.js';
import { subjectReportCsv } from '../application/subject-report.csv.js';
import { NoStoreInterceptor } from '../application/no-store.interceptor.js';
import { IgConsoleException, IgConsoleExceptionCode } from '../domain/ig-console.exception.js';
import type { FlagReview } from '../domain/flag-reviews.port.js';
import {
  ChartsQueryDto,
  CheckpointQueryDto,
  CrnParam,
  FlagReviewDto,
  FlagsFilterDto,
  IgSearchDto,
  IndexParam,
  ProofQueryDto,
  ReportQueryDto,
} from './ig-console.dto.js';
import { BreachIdParam, ChangeBreachDto, RecordBreachDto } from './breach.dto.js';

const DAY_MS = 86_400_000;

/** `days` before `to`, or the first instant a date-time may denote when that is earlier (see parseRfc3339). */
function daysBefore(to: Date, days: number): Date {
  return new Date(Math.max(to.getTime() - days * DAY_MS, EARLIEST_INSTANT.getTime()));
}
const MAX_FLAG_RANGE_DAYS = 31;
const CSV_PAGE = 200;
const CSV_MAX_ROWS = 50_000;

/** Names the console shows instead of ids. */
interface Names {
  organisations: { id: string; name: string; kind: string }[];
  agreements: { id: string; title: string; status: string }[];
}

interface Reply {
  header(name: string, value: string): Reply;
}

/**
 * The console's JSON API. @Public() for the signed-request guard because a browser cannot
 * sign each call; IgSessionGuard authenticates by the session cookie instead. Reads go through
 * the access-log services, which scope them to the reviewer's organisation and log them.
 */
@Public()
@UseGuards(IgSessionGuard)
@UseInterceptors(NoStoreInterceptor)
@ApiExcludeController()
@Controller('ig/api')
export class IgApiController {
  constructor(
    private readonly search: AccessLogSearch,
    private readonly proofs: AccessLogProofs,
    private readonly checkpoints: CheckpointService,
    private readonly flags: MisuseFlagsService,
    private readonly overviews: GovernanceOverviewService,
    private readonly notes: LogNotes,
    private readonly breaches: BreachRegisterService,
    private readonly queries: QueryBus,
    private readonly charts: ActivityChartsService,
    private readonly orgs: OrganisationDirectory,
    private readonly agreements: AgreementsSource,
  ) {}

  /**
   * The names the console shows instead of ids: every organisation (as GET /organisations lists
   * them to any partner) and the agreements the reviewer's organisation is party to.
   */
  @Get('names')
  async names(@Reviewer() p: Principal): Promise<Names> {
    const [orgs, agreements] = await Promise.all([this.orgs.list(), this.agreements.list(p)]);
    return {
      organisations: orgs
        .map((o) => ({ id: o.id, name: o.name, kind: o.kind }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      agreements: agreements.map((a) => ({ id: a.id, title: a.title, status: a.status })),
    };
  }

  /** GET /access-log/export.csv for the signed-in reviewer: the search's matching entries as CSV, logged as an export. */
  @Get('entries.csv')
  async entriesCsv(@Reviewer() p: Principal, @Query() q: IgSearchDto): Promise<StreamableFile> {
    const lines = await this.search.exportCsv(p, q.toFilter());
    return new StreamableFile(Readable.from(lines, { objectMode: false }), {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="access-log.csv"',
    });
  }

  /** Accesses per day by organisation and by purpose, denials and break-glass, over the reviewer's scope. */
  @Get('charts')
  activity(@Reviewer() p: Principal, @Query() q: ChartsQueryDto): Promise<ActivityCharts> {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : daysBefore(to, 13);
    this.checkRange(from, to);
    return this.charts.charts(p, { from, to });
  }

  @Get('entries')
  entries(@Reviewer() p: Principal, @Query() q: IgSearchDto): Promise<AccessLogPage> {
    return this.search.search(p, q.toFilter(), q.page());
  }

  @Get('entries/:index')
  async entry(@Reviewer() p: Principal, @Param() { index }: IndexParam): Promise<EntryView> {
    const read = await this.search.entry(p, Number(index));
    if (!read)
      throw new IgConsoleException(
        IgConsoleExceptionCode.EntryNotFound,
        `There is no entry ${index} in your organisation's view of the log.`,
      );
    return read.kind === 'stored' ? (JSON.parse(read.bytes.toString('utf8')) as StoredAccessLogEntry) : read.view;
  }

  /** Hashes only, as GET /access-log/entries/{index}/proof serves to any partner. */
  @Get('entries/:index/proof')
  proof(@Param() { index }: IndexParam, @Query() q: ProofQueryDto): Promise<InclusionProof> {
    return this.proofs.inclusion(Number(index), Number(q.treeSize));
  }

  /** The latest signed checkpoint, or a new one when the latest does not yet cover `atLeast` entries. */
  @Get('checkpoint')
  async checkpoint(@Query() q: CheckpointQueryDto): Promise<SignedCheckpoint> {
    const latest = await this.checkpoints.latest();
    return q.atLeast !== undefined && latest.treeSize < Number(q.atLeast) ? this.checkpoints.checkpoint() : latest;
  }

  /** The latest witnessed checkpoint and the keys to check it with; the console verifies the cosignatures itself. */
  @Get('witnesses')
  witnesses(): Promise<Witnessing> {
    return this.notes.witnessing();
  }

  @Get('subjects/:crn/report')
  report(
    @Reviewer() p: Principal,
    @Param() { crn }: CrnParam,
    @Query() q: ReportQueryDto,
  ): Promise<SubjectAccessReport> {
    return this.search.subjectReport(p, crn, q.page());
  }

  @Get('subjects/:crn/report.csv')
  async reportCsv(
    @Reviewer() p: Principal,
    @Param() { crn }: CrnParam,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<string> {
    const accesses: SubjectAccessReport['accesses'] = [];
    let cursor: number | undefined;
    do {
      const page = await this.search.subjectReport(p, crn, { cursor, limit: CSV_PAGE });
      accesses.push(...page.accesses);
      cursor = page.nextCursor === null ? undefined : Number(page.nextCursor);
    } while (cursor !== undefined && accesses.length < CSV_MAX_ROWS);
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="access-report-${crn}.csv"`);
    return subjectReportCsv(accesses);
  }

  @Get('flags')
  async misuseFlags(@Reviewer() p: Principal, @Query() q: FlagsFilterDto): Promise<FlagsPage> {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : daysBefore(to, 7);
    this.checkRange(from, to);
    const page = await this.flags.list(p, { from, to });
    return q.unreviewed === 'true' ? { ...page, flags: page.flags.filter((f) => f.review === null) } : page;
  }

  /** from and to, when given, are real instants (IsRfc3339); their order and the range's length are left to check. */
  private checkRange(from: Date, to: Date): void {
    if (from > to) throw new ValidationException([{ field: 'from', message: 'from must not be after to' }]);
    if (to.getTime() - from.getTime() > MAX_FLAG_RANGE_DAYS * DAY_MS) {
      throw new IgConsoleException(
        IgConsoleExceptionCode.RangeTooLong,
        `Flags and charts are computed over at most ${MAX_FLAG_RANGE_DAYS} days.`,
        [{ field: 'from', message: `the range must be at most ${MAX_FLAG_RANGE_DAYS} days` }],
      );
    }
  }

  @Post('flags/reviews')
  @HttpCode(201)
  reviewFlag(@Reviewer() p: Principal, @Body() body: FlagReviewDto): Promise<FlagReview> {
    return this.flags.review(p, body.flagId, body.note);
  }

  /** GET /retention/report for the signed-in reviewer: a dry run of the retention job over its organisation's data. */
  @Get('retention')
  retention(@Reviewer() p: Principal, @Query() q: RetentionReportQueryDto): Promise<RetentionReport> {
    return this.queries.execute(new GetRetentionReportQuery(p, q.at ? new Date(q.at) : new Date()));
  }

  @Get('overview')
  overview(@Reviewer() p: Principal): Promise<GovernanceOverview> {
    return this.overviews.overview(p);
  }

  /** The IG records of agreements: DPIA reference and review schedule of each agreement not ended. */
  @Get('agreements')
  agreementRecords(@Reviewer() p: Principal): Promise<{ agreements: AgreementRecord[] }> {
    return this.overviews.records(p);
  }

  /** The breach register, as GET /breaches and the routes below it serve it to signed callers. */
  @Get('breaches')
  breachList(@Reviewer() p: Principal): Promise<{ breaches: BreachView[] }> {
    return this.breaches.list(p);
  }

  @Post('breaches')
  @HttpCode(201)
  recordBreach(@Reviewer() p: Principal, @Body() dto: RecordBreachDto): Promise<BreachView> {
    return this.breaches.record(p, dto.toNewBreach());
  }

  @Get('breaches/:id')
  breach(@Reviewer() p: Principal, @Param() { id }: BreachIdParam): Promise<BreachView> {
    return this.breaches.get(p, id);
  }

  @Post('breaches/:id/changes')
  @HttpCode(201)
  changeBreach(
    @Reviewer() p: Principal,
    @Param() { id }: BreachIdParam,
    @Body() dto: ChangeBreachDto,
  ): Promise<BreachView> {
    return this.breaches.change(p, id, dto.toChange());
  }
}
