import { decodeUtf8Strict, findUnstorableText, isStorableText } from './storable-text.js';

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
});
