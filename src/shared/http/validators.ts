import { registerDecorator, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import { parseRfc3339 } from '@shared/domain/rfc3339.js';

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

/**
 * An RFC 3339 date-time with a zone that denotes a real instant (not 2025-02-30T...) in years 1 to
 * 9999 UTC: parseRfc3339's rules, the ones every stored date is read back with.
 */
export function IsRfc3339(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && parseRfc3339(v) !== null,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an RFC 3339 date-time such as 2025-01-31T09:00:00Z`,
      },
    },
    options,
  );
}

/**
 * The member may be left out; when it is present it is validated, `null` included, so the
 * member's own checks refuse a null. (class-validator's IsOptional skips null as well as
 * undefined: `"parts": null` in an erasure read as "no parts" and erased the whole case.) Use
 * IsOptional only where null is a value the member takes, typed `| null`.
 */
export function Omittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/**
 * A string with at least `min` characters besides the white space at its ends: a reason or note
 * made of spaces says nothing, and the log and the record must say why. (Its upper bound is
 * Length's, on the string as sent.)
 */
export function HasText(min: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasText',
      constraints: [min],
      validator: {
        validate: (v: unknown) => typeof v === 'string' && v.trim().length >= min,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must hold at least ${min} character${min === 1 ? '' : 's'} besides white space`,
      },
    },
    options,
  );
}

/**
 * A YYYY-MM-DD date not before another date of the same object (read by `other`, named `name` in
 * the message): supervision cannot end before the person was born. Passes when the other date is
 * absent or not a date, which its own checks report.
 */
export function IsNotBefore(
  other: (object: object) => unknown,
  name: string,
  options?: ValidationOptions,
): PropertyDecorator {
  const DAY = /^\d{4}-\d{2}-\d{2}$/;
  return ValidateBy(
    {
      name: 'isNotBefore',
      validator: {
        validate: (v: unknown, args) => {
          const o = args ? other(args.object) : undefined;
          return typeof v !== 'string' || typeof o !== 'string' || !DAY.test(v) || !DAY.test(o) || v >= o;
        },
        defaultMessage: (args) => `${args?.property ?? 'value'} must not be before ${name}`,
      },
    },
    options,
  );
}
