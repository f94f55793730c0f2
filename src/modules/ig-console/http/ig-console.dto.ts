import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { RFC3339 } from '@shared/http/validators.js';
import { AccessLogSearchDto } from '@modules/access-log/index.js';

const CRN = /^[A-Z][0-9]{6}$/;
const ORG_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const INDEX = /^(0|[1-9][0-9]{0,14})$/;
const LIMIT = /^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)$/;
const TIME_MESSAGE = 'must be an RFC 3339 date-time such as 2025-01-31T09:00:00Z';

/**
 * The log search of the console (GET /ig/api/entries): exactly the filters, cursor and page size
 * of GET /access-log, validated by the same rules.
 */
export class IgSearchDto extends AccessLogSearchDto {}

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
