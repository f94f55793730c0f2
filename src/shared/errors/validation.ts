import type { ValidationError } from 'class-validator';
import { FieldError, ValidationException } from './domain.exception.js';

/** Flattens class-validator's tree into `[{ field: 'person.givenName', message }]`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field =
      e.property === undefined || e.property === '' ? parent : parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) {
      out.push({ field: field || '(body)', message: rewrite(message, field) });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

function rewrite(message: string, field: string): string {
  if (message.startsWith('an unknown value was passed')) return 'the body must be a JSON object';
  if (/should not exist$/.test(message)) return `unknown field "${field.split('.').pop()}"`;
  return message;
}

/** exceptionFactory for Nest's ValidationPipe. */
export function validationExceptionFactory(errors: ValidationError[]): ValidationException {
  const fields = flattenValidationErrors(errors);
  const names = [...new Set(fields.map((f) => f.field))].slice(0, 5).join(', ');
  return new ValidationException(fields, `The request is invalid: ${names}.`);
}
