import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { Omittable } from '@shared/http/validators.js';

export const CRN = /^[A-Z][0-9]{6}$/;
/** An organisation id: a lowercase slug of at most 64 characters, as organisations are registered. */
export const ORG_ID = /^(?=.{1,64}$)[a-z0-9]+(-[a-z0-9]+)*$/;
/** A log index or tree size in the query string or path: a non-negative integer below 2^53. */
export const SIZE = /^(0|[1-9][0-9]{0,14})$/;

/** Re-exported for the access-log DTOs; it lives with the other shared validators. */
export { IsRfc3339 } from '@shared/http/validators.js';

/** `:index` of /access-log/entries/{index}. */
export class EntryIndexParam {
  @ApiProperty({ example: '42' })
  @Matches(SIZE, { message: 'index must be a non-negative integer' })
  index: string;
}

/** `:crn` of /subjects/{crn}. */
export class CrnParam {
  @ApiProperty({ example: 'X123456' })
  @Matches(CRN, { message: 'crn must be one capital letter and six digits' })
  crn: string;
}

/** `?size=` of /log/checkpoint (and nothing else: another parameter is an unknown field). */
export class CheckpointQuery {
  @ApiPropertyOptional({ example: '1024', description: 'the latest checkpoint of at most this many entries' })
  @Omittable()
  @Matches(SIZE, { message: 'size must be a non-negative integer' })
  size?: string;
}
