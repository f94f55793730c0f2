import { registerDecorator, type ValidationOptions } from 'class-validator';

/** A calendar date (YYYY-MM-DD) or date-time that is real and not in the future. */
export function IsPastDate(opts: { minYear?: number } = {}, validation?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isPastDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a real date, not in the future${opts.minYear ? ` and not before ${opts.minYear}` : ''}`, ...validation },
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

/** An RFC 3339 date-time with a zone (Z or ±hh:mm). */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
