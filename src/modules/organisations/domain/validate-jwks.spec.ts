import { aKey, invalidJwks } from '@test/factories/jwk.factory.js';
import { OrganisationException, OrganisationExceptionCode } from './organisation.exception.js';
import { validateKeySet } from './validate-jwks.js';

async function refusal(keys: unknown[]): Promise<OrganisationException> {
  try {
    await validateKeySet(keys, 'jwks.keys');
  } catch (e) {
    if (e instanceof OrganisationException) return e;
    throw e;
  }
  throw new Error('expected the key set to be refused');
}

describe(validateKeySet.name, () => {
  it('returns normalised public keys with their RFC 7638 thumbprints', async () => {
    const a = await aKey('a');
    const b = await aKey('b', 'EdDSA');
    const out = await validateKeySet([a.publicJwk, b.publicJwk], 'keys');
    expect(out.map((k) => [k.jwk.kid, k.jwk.alg, k.jwk.use])).toEqual([
      ['a', 'ES256', 'sig'],
      ['b', 'EdDSA', 'sig'],
    ]);
    expect(out[0].thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(out[0].thumbprint).not.toBe(out[1].thumbprint);
  });

  it('names every bad key by its position under the given field', async () => {
    const good = await aKey('good');
    const e = await refusal([invalidJwks.symmetric(), good.publicJwk, await invalidJwks.offCurve(), 'not-a-jwk']);
    expect(e.code).toBe(OrganisationExceptionCode.InvalidKey);
    expect(e.options.errors?.map((x) => x.field)).toEqual(['jwks.keys[0]', 'jwks.keys[2]', 'jwks.keys[3]']);
  });

  it('names a repeated kid at its second position', async () => {
    const a = await aKey('same');
    const b = await aKey('same');
    const e = await refusal([a.publicJwk, (await aKey('other')).publicJwk, b.publicJwk]);
    expect(e.code).toBe(OrganisationExceptionCode.DuplicateKid);
    expect(e.options.errors).toEqual([{ field: 'jwks.keys[2].kid', message: expect.stringContaining('jwks.keys[0]') }]);
  });

  it('keeps the original position when an earlier key is invalid', async () => {
    const a = await aKey('same');
    const e = await refusal([invalidJwks.symmetric(), a.publicJwk, a.publicJwk]);
    expect(e.options.errors?.map((x) => x.field)).toEqual(['jwks.keys[0]', 'jwks.keys[2].kid']);
  });
});
