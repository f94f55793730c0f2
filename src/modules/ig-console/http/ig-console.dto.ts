import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import { IsRfc3339, Omittable, HasText } from '@shared/http/validators.js';
import {
  AccessLogSearchDto,
  CrnParam as AccessLogCrnParam,
  EntryIndexParam,
  InclusionProofQueryDto,
  ORG_ID,
  SIZE,
  SubjectAccessReportQueryDto,
} from '@modules/access-log/index.js';

/** The console's subject access report pages default to 100 rows (GET /subjects/{crn}/access-report: 200). */
const REPORT_PAGE = 100;

/**
 * The log search of the console (GET /ig/api/entries): exactly the filters, cursor and page size
 * of GET /access-log, validated by the same rules.
 */
export class IgSearchDto extends AccessLogSearchDto {}

/** `:index` of /ig/api/entries/{index}, as /access-log/entries/{index}. */
export class IndexParam extends EntryIndexParam {}

/** `:crn` of /ig/api/subjects/{crn}/..., as /subjects/{crn}. */
export class CrnParam extends AccessLogCrnParam {}

/** The tree size an inclusion proof is for, as GET /access-log/entries/{index}/proof. */
export class ProofQueryDto extends InclusionProofQueryDto {}

/** Cursor and limit of the subject access report, as the partners' report, with the console's default page. */
export class ReportQueryDto extends SubjectAccessReportQueryDto {
  override page(): { cursor?: number; limit: number } {
    return { ...super.page(), limit: this.limit === undefined ? REPORT_PAGE : Number(this.limit) };
  }
}

export class CheckpointQueryDto {
  @ApiPropertyOptional({
    description: 'A checkpoint covering at least this many entries (signed now if the latest is older)',
  })
  @Omittable()
  @Matches(SIZE, { message: 'atLeast must be a non-negative integer' })
  atLeast?: string;
}

export class FlagsQueryDto {
  @ApiPropertyOptional({ example: '2025-11-01T00:00:00Z', description: 'Default: 7 days before `to`' })
  @Omittable()
  @IsRfc3339()
  from?: string;

  @ApiPropertyOptional({ example: '2025-11-08T00:00:00Z', description: 'Default: now' })
  @Omittable()
  @IsRfc3339()
  to?: string;
}

/** GET /ig/api/flags: the range, and whether to list only flags nobody has reviewed. */
export class FlagsFilterDto extends FlagsQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only flags not yet reviewed' })
  @Omittable()
  @IsIn(['true', 'false'], { message: 'unreviewed must be true or false' })
  unreviewed?: string;
}

/** GET /ig/api/charts: the range (default: the 14 days to now), at most 31 days. */
export class ChartsQueryDto extends FlagsQueryDto {}

export class FlagReviewDto {
  @ApiProperty({ example: 'break_glass:42' })
  @IsString({ message: 'flagId must be a string' })
  @Matches(/^[a-z_]{3,40}:[\x21-\x7e]{1,400}$/, { message: 'flagId must be the id of a flag' })
  flagId: string;

  @ApiProperty({ example: "Checked with the officer's manager: emergency recall, justified." })
  @IsString({ message: 'note must be a string' })
  @Length(1, 2000, { message: 'note must be 1 to 2000 characters' })
  @HasText(1)
  note: string;
}

export class DemoSessionDto {
  @ApiProperty({ example: 'nps-north-east' })
  @IsString({ message: 'org must be a string' })
  @Matches(ORG_ID, { message: 'org must be an organisation id' })
  org: string;
}

export class OrganisationParam {
  @ApiProperty({ example: 'nps-north-east' })
  @MaxLength(64)
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'id must be a lowercase organisation slug' })
  id: string;
}
