import { ValidationPipe, type ArgumentMetadata, type ValidationPipeOptions } from '@nestjs/common';
import { ValidationException, type FieldError } from '@shared/errors/index.js';

/**
 * Member names class-transformer drops without a word: `__proto__` and `constructor` (its guard
 * against prototype pollution) and every other member a plain object inherits (`toString`,
 * `hasOwnProperty`, ...), which it skips because the instance already has a function there. No
 * field of this API has such a name, so one in a body or query is an unknown field.
 */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Where `value` (parsed JSON, a query object) has a member named like one a plain object inherits. */
export function inheritedMemberNames(value: unknown, path = '', out: FieldError[] = []): FieldError[] {
  if (value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => inheritedMemberNames(v, `${path}[${i}]`, out));
    return out;
  }
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    if (INHERITED.has(key)) out.push({ field: at, message: `unknown field "${key}"` });
    else inheritedMemberNames((value as Record<string, unknown>)[key], at, out);
  }
  return out;
}

/**
 * Nest's ValidationPipe, refusing first the members it would otherwise drop unseen (see
 * INHERITED): the whitelist then answers every unknown member alike, 400 naming it. A query
 * parameter with no name (`?=x`, `?a=1&=`) is named `(query)`, not blamed on the body.
 */
export class GatewayValidationPipe extends ValidationPipe {
  constructor(options: ValidationPipeOptions) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Only what the pipe validates against a DTO class (a page's raw form body is its own to check).
    if (metadata.type !== 'custom' && metadata.metatype && this.toValidate(metadata)) {
      const found = inheritedMemberNames(value);
      if (metadata.type === 'query' && value !== null && typeof value === 'object' && Object.hasOwn(value, ''))
        found.unshift({ field: '(query)', message: 'every query parameter must have a name' });
      if (found.length)
        throw new ValidationException(found, `The request is invalid: ${found.map((f) => f.field).join(', ')}.`);
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}
