import { registerDecorator, ValidateBy, type ValidationOptions } from 'class-validator';

/** A calendar date (YYYY-MM-DD) or date-time that is real and not in the future. */
export function IsPastDate(opts: { minYear?: number } = {}, validation?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isPastDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be a real date, not in the future${opts.minYear ? ` and not before ${opts.minYear}` : ''}`,
        ...validation,
      },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          const d = new Date(value);
          if (Number.isNaN(d.getTime())) return false;
          // Reject rolled-over dates such as 2021-02-30.
          if (/^\d{4}-\d{2}-\d{2}$/.test(value) && d.toISOString().slice(0, 10) !== value) return false;
          if (opts.minYear && d.getUTCFullYear() < opts.minYear) return false;
          return d.getTime() <= Date.now() + 60_000;
        },
      },
    });
  };
}

/** An RFC 3339 date-time with a zone (Z or ±hh:mm); the date may still not exist (see IsRfc3339). */
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/i;

/** An RFC 3339 date-time that also denotes a real instant (not 2025-02-30T...). */
export function IsRfc3339(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339',
      validator: {
        validate: (v: unknown) =>
          typeof v === 'string' && RFC3339.test(v) && !Number.isNaN(Date.parse(v)) && sameCalendarDay(v),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an RFC 3339 date-time such as 2025-01-31T09:00:00Z`,
      },
    },
    options,
  );
}

// Date.parse rolls 2025-02-30 over to March; checking the written day against the length of the
// written month catches that, whatever the offset.
function sameCalendarDay(v: string): boolean {
  const [, y, m, d] = /^(\d{4})-(\d\d)-(\d\d)/.exec(v) ?? [];
  const days = new Date(Date.UTC(Number(y), Number(m), 0)).getUTCDate();
  return Number(m) >= 1 && Number(m) <= 12 && Number(d) >= 1 && Number(d) <= days;
}
