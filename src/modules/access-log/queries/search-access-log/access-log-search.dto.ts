import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { PURPOSES } from '@shared/domain/vocabulary.js';
import { ValidationException } from '@shared/errors/index.js';
import type { AccessLogFilter } from '../../domain/access-log-reader.port.js';
import { CRN, IsRfc3339, ORG_ID, SIZE } from '../../access-log.params.js';
import { Omittable } from '@shared/http/validators.js';

export const MAX_PAGE = 200;
const DEFAULT_PAGE = 50;

/** Filters shared by GET /access-log and GET /access-log/export.csv. */
export class AccessLogFilterDto {
  @ApiPropertyOptional({ example: 'X123456', description: 'CRN of the person concerned' })
  @Omittable()
  @Matches(CRN, { message: 'crn must be one capital letter and six digits' })
  crn?: string;

  @ApiPropertyOptional({ example: 'police-cleveland', description: 'The acting organisation' })
  @Omittable()
  @Matches(ORG_ID, { message: 'org must be an organisation id' })
  org?: string;

  @ApiPropertyOptional({ example: 'user:pc-1', description: 'The acting person or system (token sub)' })
  @Omittable()
  @Matches(/^(user|system):[A-Za-z0-9._@:-]{1,128}$/, { message: 'actor must be user:<id> or system:<id>' })
  actor?: string;

  @ApiPropertyOptional({ enum: PURPOSES })
  @Omittable()
  @IsIn(PURPOSES, { message: `purpose must be one of ${PURPOSES.join(', ')}` })
  purpose?: string;

  @ApiPropertyOptional({ enum: ['ALLOW', 'DENY'] })
  @Omittable()
  @IsIn(['ALLOW', 'DENY'], { message: 'decision must be ALLOW or DENY' })
  decision?: 'ALLOW' | 'DENY';

  @ApiPropertyOptional({ example: 'case.summary' })
  @Omittable()
  @Matches(/^[a-z][a-z0-9._-]{0,63}$/, { message: 'action must be an action name such as case.summary' })
  action?: string;

  @ApiPropertyOptional({ example: '2025-01-01T00:00:00Z', description: 'Entries at or after this time' })
  @Omittable()
  @IsRfc3339()
  from?: string;

  @ApiPropertyOptional({ example: '2025-12-31T23:59:59Z', description: 'Entries at or before this time' })
  @Omittable()
  @IsRfc3339()
  to?: string;

  toFilter(): AccessLogFilter {
    const from = this.from === undefined ? undefined : new Date(this.from);
    const to = this.to === undefined ? undefined : new Date(this.to);
    if (from && to && from > to)
      throw new ValidationException([{ field: 'from', message: 'from must not be after to' }]);
    return {
      crn: this.crn,
      org: this.org,
      actor: this.actor,
      purpose: this.purpose,
      decision: this.decision,
      action: this.action,
      from,
      to,
    };
  }
}

export class AccessLogSearchDto extends AccessLogFilterDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @Omittable()
  @Matches(SIZE, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE })
  @Omittable()
  @Matches(/^([1-9][0-9]?|1[0-9][0-9]|200)$/, { message: `limit must be an integer from 1 to ${MAX_PAGE}` })
  limit?: string;

  page(): { cursor?: number; limit: number } {
    return {
      cursor: this.cursor === undefined ? undefined : Number(this.cursor),
      limit: this.limit === undefined ? DEFAULT_PAGE : Number(this.limit),
    };
  }
}
