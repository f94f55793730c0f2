import { ValidationError } from 'class-validator';
import { ValidationException } from './domain.exception.js';
import { flattenValidationErrors, validationExceptionFactory } from './validation.js';

function error(
  property: string,
  constraints?: Record<string, string>,
  children: ValidationError[] = [],
): ValidationError {
  return Object.assign(new ValidationError(), { property, constraints, children });
}

describe(flattenValidationErrors.name, () => {
  it('names nested fields with dots and keeps every message', () => {
    const errors = [
      error('id', { matches: 'id must be a slug', isLength: 'id too short' }),
      error('person', undefined, [
        error('givenName', { isString: 'givenName must be a string' }),
        error('address', undefined, [error('line1', { isNotEmpty: 'line1 is empty' })]),
      ]),
    ];
    expect(flattenValidationErrors(errors)).toEqual([
      { field: 'id', message: 'id must be a slug' },
      { field: 'id', message: 'id too short' },
      { field: 'person.givenName', message: 'givenName must be a string' },
      { field: 'person.address.line1', message: 'line1 is empty' },
    ]);
  });

  it('says "unknown field" for whitelist refusals', () => {
    expect(
      flattenValidationErrors([
        error('jwks', undefined, [error('extra', { whitelistValidation: 'property extra should not exist' })]),
      ]),
    ).toEqual([{ field: 'jwks.extra', message: 'unknown field "extra"' }]);
  });

  it('reports a body that is not an object against (body)', () => {
    expect(
      flattenValidationErrors([error('', { unknownValue: 'an unknown value was passed to the validate function' })]),
    ).toEqual([{ field: '(body)', message: 'the body must be a JSON object' }]);
  });
});

describe(validationExceptionFactory.name, () => {
  it('builds a ValidationException naming the fields in its detail', () => {
    const e = validationExceptionFactory([error('id', { a: 'bad' }), error('kind', { b: 'bad' })]);
    expect(e).toBeInstanceOf(ValidationException);
    expect(e.kind).toBe('invalid');
    expect(e.detail).toBe('The request is invalid: id, kind.');
    expect(e.options.errors).toHaveLength(2);
  });
});
