import { ApiProperty } from '@nestjs/swagger';
import { Matches, ValidateBy, type ValidationOptions } from 'class-validator';

export const CRN = /^[A-Z][0-9]{6}$/;
export const ORG_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** A log index or tree size in the query string or path: a non-negative integer below 2^53. */
export const SIZE = /^(0|[1-9][0-9]{0,14})$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/i;

/** An RFC 3339 date-time that also denotes a real instant (not 2025-02-30T...). */
export function IsRfc3339(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && RFC3339.test(v) && !Number.isNaN(Date.parse(v)) && sameCalendarDay(v),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an RFC 3339 date-time such as 2025-01-31T09:00:00Z`,
      },
    },
    options,
  );
}

// Date.parse rolls 2025-02-30 over to March; comparing the date part in UTC catches that for Z
// times, and offset times are re-checked against their own fields.
function sameCalendarDay(v: string): boolean {
  const [, y, m, d] = /^(\d{4})-(\d\d)-(\d\d)/.exec(v) ?? [];
  const days = new Date(Date.UTC(Number(y), Number(m), 0)).getUTCDate();
  return Number(m) >= 1 && Number(m) <= 12 && Number(d) >= 1 && Number(d) <= days;
}

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
