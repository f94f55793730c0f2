import { IsInt, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ValidationException } from '@shared/errors/index.js';
import { validationExceptionFactory } from '@shared/errors/validation.js';
import { GatewayValidationPipe, inheritedMemberNames } from './validation.pipe.js';

class Inner {
  @IsOptional() @IsInt() n?: number;
}

class Outer {
  @IsInt() a: number;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => Inner) inner?: Inner;
}

const pipe = new GatewayValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: validationExceptionFactory,
});
const body = { type: 'body' as const, metatype: Outer };
const parsed = (json: string) => JSON.parse(json) as unknown;

describe(GatewayValidationPipe.name, () => {
  it('passes a valid body through to the DTO', async () => {
    await expect(pipe.transform(parsed('{"a":1,"inner":{"n":2}}'), body)).resolves.toBeInstanceOf(Outer);
  });

  it.each([
    ['{"a":1,"constructor":1}', 'constructor'],
    ['{"a":1,"__proto__":{"n":1}}', '__proto__'],
    ['{"a":1,"inner":{"toString":"x"}}', 'inner.toString'],
    ['{"a":1,"inner":{"hasOwnProperty":1}}', 'inner.hasOwnProperty'],
  ])('refuses %s naming %s, which class-transformer would drop unseen', async (json, field) => {
    const refused = pipe.transform(parsed(json), body);
    await expect(refused).rejects.toBeInstanceOf(ValidationException);
    await expect(refused).rejects.toMatchObject({
      options: { errors: [{ field, message: expect.stringContaining(field.split('.').pop()!) }] },
    });
  });

  it('names a query parameter without a name as the query, not the body', async () => {
    const refused = pipe.transform({ a: '1', '': 'x' }, { type: 'query', metatype: Outer });
    await expect(refused).rejects.toMatchObject({
      options: { errors: [{ field: '(query)', message: 'every query parameter must have a name' }] },
    });
  });

  it('leaves what it does not validate against a class alone (a page reads its own raw form)', async () => {
    const raw = parsed('{"constructor":"x"}');
    await expect(pipe.transform(raw, { type: 'body', metatype: Object })).resolves.toBe(raw);
  });

  it('finds such names at any depth, in arrays too', () => {
    expect(inheritedMemberNames(parsed('{"list":[{"ok":1},{"valueOf":2}]}')).map((f) => f.field)).toEqual([
      'list[1].valueOf',
    ]);
  });
});
