import fc from 'fast-check';
import {
  decodeUtf8Strict,
  findUnstorableText,
  isStorableText,
  parseJwsJson,
  refuseDuplicateMembers,
} from './storable-text.js';

describe('storable text', () => {
  it('refuses NUL and unpaired surrogates, keeps paired ones and everything else', () => {
    expect(['a\u0000b', '\ud800', 'x\udc00', '\udc00\ud800'].map(isStorableText)).toEqual([false, false, false, false]);
    expect(['', 'plain', '\u{1F600}', '\u202e\uffff', 'é'].map(isStorableText)).toEqual([true, true, true, true, true]);
  });

  it('names the first bad string or member name by its path', () => {
    expect(findUnstorableText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] }, 'body')).toEqual({
      field: 'body.a[1].c',
      message: expect.any(String),
    });
    expect(findUnstorableText({ 'k\u0000': 1 }, 'body')?.field).toBe('body["k\\u0000"]');
    expect(findUnstorableText({ a: 'fine', n: 1, b: [true, null] }, 'body')).toBeNull();
  });

  it('decodes UTF-8 strictly', () => {
    expect(decodeUtf8Strict(Buffer.from('é'))).toBe('é');
    expect(() => decodeUtf8Strict(Buffer.from([0xff]))).toThrow();
    expect(() => decodeUtf8Strict(Buffer.from([0xed, 0xa0, 0x80]))).toThrow();
  });

  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"crn":"G696172","x":[1,{"crn":1}],"crn":"A000000"}', 'crn'],
    ['{"a":{"b":1, "b" :2}}', 'b'],
    ['{"\\u0061":1,"a":2}', 'a'],
    ['[{"k":"\\"","k":0}]', 'k'],
  ])('refuses an object that names a member twice: %s', (text, name) => {
    expect(() => refuseDuplicateMembers(text)).toThrow(`duplicate member name "${name}"`);
    expect(() => parseJwsJson(Buffer.from(text).toString('base64url'))).toThrow(SyntaxError);
  });

  it.each(['"abc', '{"a', '"\\', '{"a":"'])('ends on text that is not JSON (%s), with a SyntaxError', (text) => {
    expect(() => refuseDuplicateMembers(text)).toThrow(SyntaxError);
  });

  it('accepts the same name in different objects, and names that only look alike', () => {
    for (const text of ['{"a":{"a":1},"b":[{"a":1},{"a":2}]}', '{"a":"a:","b":"\\"a\\":"}', '{"a\\"":1,"a":2}'])
      expect(() => refuseDuplicateMembers(text)).not.toThrow();
  });

  it('accepts any JSON written from a value (no name twice), and refuses it with a name added twice', () => {
    fc.assert(
      fc.property(fc.json(), fc.string({ maxLength: 3 }), (json, dup) => {
        expect(() => refuseDuplicateMembers(json)).not.toThrow();
        const withDup = `{${JSON.stringify(dup)}:${json},${JSON.stringify(dup)}:0}`;
        expect(() => refuseDuplicateMembers(withDup)).toThrow(SyntaxError);
      }),
      { numRuns: 300 },
    );
  });
});
