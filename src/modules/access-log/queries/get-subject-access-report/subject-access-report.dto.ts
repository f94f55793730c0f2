import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { SIZE } from '../../access-log.params.js';
import { Omittable } from '@shared/http/validators.js';

const MAX_REPORT_PAGE = 1000;

export class SubjectAccessReportQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @Omittable()
  @Matches(SIZE, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_REPORT_PAGE, default: 200 })
  @Omittable()
  @Matches(/^([1-9][0-9]{0,2}|1000)$/, { message: `limit must be an integer from 1 to ${MAX_REPORT_PAGE}` })
  limit?: string;

  page(): { cursor?: number; limit: number } {
    return {
      cursor: this.cursor === undefined ? undefined : Number(this.cursor),
      limit: this.limit === undefined ? 200 : Number(this.limit),
    };
  }
}

class AgreementRef {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
}

export class SubjectAccessResponse {
  @ApiProperty({ description: 'Access-log index (its inclusion can be proved)' }) index: number;
  @ApiProperty() timestamp: string;
  @ApiProperty({ description: 'The organisation that acted', example: 'police-cleveland' }) org: string;
  @ApiProperty({ description: 'Who acted', example: 'user:pc-1' }) actor: string;
  @ApiProperty() roles: string[];
  @ApiProperty({ example: 'case.summary' }) action: string;
  @ApiProperty({ nullable: true, type: String }) purpose: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: AgreementRef }) agreement: AgreementRef | null;
  @ApiProperty({ enum: ['ALLOW', 'DENY'] }) decision: string;
  @ApiProperty() reasons: string[];
  @ApiProperty() fieldsReleased: string[];
  @ApiProperty() fieldsWithheld: string[];
  @ApiProperty({ nullable: true, type: String }) recipientOrg: string | null;
  @ApiProperty() breakGlass: boolean;
  @ApiPropertyOptional({
    enum: [true],
    description:
      'Present when this is the reviewer\'s projection of a "not found" entry: organisation of the data, reasons and fields hidden (as GET /access-log)',
  })
  redacted?: true;
}

export class SubjectAccessReportResponse {
  @ApiProperty({ example: 'X123456' }) crn: string;
  @ApiProperty({ type: [SubjectAccessResponse] }) accesses: SubjectAccessResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
