import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PURPOSES } from '@shared/domain/vocabulary.js';
import { ValidationException } from '@shared/errors/index.js';
import { RFC3339 } from '@shared/http/validators.js';
import type { AccessLogFilter } from '@modules/access-log/index.js';

const CRN = /^[A-Z][0-9]{6}$/;
const ORG_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const INDEX = /^(0|[1-9][0-9]{0,14})$/;
const LIMIT = /^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)$/;
const TIME_MESSAGE = 'must be an RFC 3339 date-time such as 2025-01-31T09:00:00Z';

function instant(field: string, v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new ValidationException([{ field, message: `${field} ${TIME_MESSAGE}` }]);
  return d;
}

/** The log search of the console (GET /ig/api/entries): the filters of GET /access-log. */
export class IgSearchDto {
  @ApiPropertyOptional({ example: 'X123456' })
  @IsOptional()
  @Matches(CRN, { message: 'crn must be one capital letter and six digits' })
  crn?: string;

  @ApiPropertyOptional({ example: 'police-cleveland', description: 'The acting organisation' })
  @IsOptional()
  @Matches(ORG_ID, { message: 'org must be an organisation id' })
  org?: string;

  @ApiPropertyOptional({ example: 'user:pc-1' })
  @IsOptional()
  @Matches(/^(user|system):[A-Za-z0-9._@:-]{1,128}$/, { message: 'actor must be user:<id> or system:<id>' })
  actor?: string;

  @ApiPropertyOptional({ enum: PURPOSES })
  @IsOptional()
  @IsIn(PURPOSES, { message: `purpose must be one of ${PURPOSES.join(', ')}` })
  purpose?: string;

  @ApiPropertyOptional({ enum: ['ALLOW', 'DENY'] })
  @IsOptional()
  @IsIn(['ALLOW', 'DENY'], { message: 'decision must be ALLOW or DENY' })
  decision?: 'ALLOW' | 'DENY';

  @ApiPropertyOptional({ example: '2025-01-01T00:00:00Z' })
  @IsOptional()
  @Matches(RFC3339, { message: `from ${TIME_MESSAGE}` })
  from?: string;

  @ApiPropertyOptional({ example: '2025-12-31T23:59:59Z' })
  @IsOptional()
  @Matches(RFC3339, { message: `to ${TIME_MESSAGE}` })
  to?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(INDEX, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ example: '50', description: '1 to 200' })
  @IsOptional()
  @Matches(LIMIT, { message: 'limit must be an integer from 1 to 200' })
  limit?: string;

  toFilter(): AccessLogFilter {
    const from = instant('from', this.from);
    const to = instant('to', this.to);
    if (from && to && from > to) throw new ValidationException([{ field: 'from', message: 'from must not be after to' }]);
    return { crn: this.crn, org: this.org, actor: this.actor, purpose: this.purpose, decision: this.decision, from, to };
  }

  page(): { cursor?: number; limit: number } {
    return { cursor: this.cursor === undefined ? undefined : Number(this.cursor), limit: this.limit === undefined ? 50 : Number(this.limit) };
  }
}

export class IndexParam {
  @ApiProperty({ example: '42' })
  @Matches(INDEX, { message: 'index must be a non-negative integer' })
  index: string;
}

export class CrnParam {
  @ApiProperty({ example: 'X123456' })
  @Matches(CRN, { message: 'crn must be one capital letter and six digits' })
  crn: string;
}

export class ProofQueryDto {
  @ApiProperty({ example: '1000', description: 'The checkpoint tree size to prove against' })
  @Matches(INDEX, { message: 'treeSize must be a positive integer' })
  treeSize: string;
}

export class CheckpointQueryDto {
  @ApiPropertyOptional({ description: 'A checkpoint covering at least this many entries (signed now if the latest is older)' })
  @IsOptional()
  @Matches(INDEX, { message: 'atLeast must be a non-negative integer' })
  atLeast?: string;
}

export class ReportQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(INDEX, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ example: '100', description: '1 to 200' })
  @IsOptional()
  @Matches(LIMIT, { message: 'limit must be an integer from 1 to 200' })
  limit?: string;
}

export class FlagsQueryDto {
  @ApiPropertyOptional({ example: '2025-11-01T00:00:00Z', description: 'Default: 7 days before `to`' })
  @IsOptional()
  @Matches(RFC3339, { message: `from ${TIME_MESSAGE}` })
  from?: string;

  @ApiPropertyOptional({ example: '2025-11-08T00:00:00Z', description: 'Default: now' })
  @IsOptional()
  @Matches(RFC3339, { message: `to ${TIME_MESSAGE}` })
  to?: string;
}

export class FlagReviewDto {
  @ApiProperty({ example: 'break_glass:42' })
  @IsString({ message: 'flagId must be a string' })
  @Matches(/^[a-z_]{3,40}:[\x21-\x7e]{1,400}$/, { message: 'flagId must be the id of a flag' })
  flagId: string;

  @ApiProperty({ example: 'Checked with the officer\'s manager: emergency recall, justified.' })
  @IsString({ message: 'note must be a string' })
  @Length(1, 2000, { message: 'note must be 1 to 2000 characters' })
  note: string;
}

export class DemoSessionDto {
  @ApiProperty({ example: 'nps-north-east' })
  @IsString({ message: 'org must be a string' })
  @Matches(ORG_ID, { message: 'org must be an organisation id' })
  org: string;
}
