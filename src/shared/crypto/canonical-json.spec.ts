import { canonicalJson, canonicalJsonBytes } from './canonical-json.js';

/** Decodes an IEEE-754 bit pattern, as RFC 8785 Appendix B lists its samples. */
function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonicalJson', () => {
  it('canonicalises the RFC 8785 section 3.2.2 sample', () => {
    const input = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`) as unknown;

    const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    expect(canonicalJson(input)).toBe(expected);
  });

  it('emits UTF-8 bytes (RFC 8785 section 3.2.4)', () => {
    const bytes = canonicalJsonBytes({ string: '€$' });
    expect(bytes.toString('hex')).toBe('7b22737472696e67223a22e282ac24227d');
  });

  it('sorts keys by UTF-16 code units (RFC 8785 section 3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('orders a supplementary-plane key before U+FB33, unlike code-point order would', () => {
    // U+1F600 > U+FB33 as code points, but its first UTF-16 unit 0xD83D < 0xFB33.
    expect(canonicalJson({ '\ufb33': 1, '\u{1f600}': 2 })).toBe('{"\u{1f600}":2,"\ufb33":1}');
  });

  it.each<[number, string]>([
    [1e30, '1e+30'],
    [4.5, '4.5'],
    [2e-3, '0.002'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [-0, '0'],
    [Number('333333333.33333329'), '333333333.3333333'], // RFC 8785's vector, more digits than a double holds
    [1e21, '1e+21'],
    [1e-27, '1e-27'],
  ])('serialises the number %p as %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it.each<[string, string]>([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('serialises the RFC 8785 Appendix B sample %s as %s', (bits, expected) => {
    expect(canonicalJson(fromBits(bits))).toBe(expected);
  });

  it.each([
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
    ['fff0000000000000', '-Infinity'],
  ])('rejects the RFC 8785 Appendix B non-finite sample %s (%s)', (bits) => {
    expect(() => canonicalJson(fromBits(bits))).toThrow(TypeError);
    expect(() => canonicalJson({ a: [fromBits(bits)] })).toThrow(TypeError);
  });

  it('escapes strings as JSON.stringify does, leaving non-ASCII literal', () => {
    expect(canonicalJson('\b\t\n\f\r"\\\u0001\u001f\u007f/é')).toBe('"\\b\\t\\n\\f\\r\\"\\\\\\u0001\\u001f\u007f/é"');
  });

  it('writes no whitespace and keeps array order', () => {
    expect(canonicalJson({ b: [3, 1, 2], a: { d: null, c: 'x' } })).toBe('{"a":{"c":"x","d":null},"b":[3,1,2]}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
  });

  it('skips undefined-valued object members', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('honours toJSON and unwraps boxed primitives like JSON.stringify', () => {
    const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    expect(canonicalJson({ when })).toBe('{"when":"2024-01-02T03:04:05.006Z"}');
    expect(canonicalJson([new Number(1), new String('s'), new Boolean(false)])).toBe('[1,"s",false]');
  });

  it('agrees with JSON.stringify on already-sorted plain data', () => {
    const value = { a: [1, 'two', { b: true, c: null }], d: -1.5e-9, e: 'line\nbreak \u2028' };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });

  it.each<[string, unknown]>([
    ['undefined at top level', undefined],
    ['a function', () => 1],
    ['a function member', { f: () => 1 }],
    ['a symbol', Symbol('s')],
    ['a symbol member', { s: Symbol('s') }],
    ['a bigint', 1n],
    ['a bigint element', [1n]],
    ['an undefined array element', [1, undefined]],
    ['NaN', NaN],
    ['Infinity member', { x: Infinity }],
    ['a Map', new Map([['a', 1]])],
    ['a Set', { s: new Set([1]) }],
    ['a lone high surrogate', '\ud800'],
    ['a lone low surrogate key', { '\udc00': 1 }],
  ])('rejects %s with a TypeError', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('rejects cycles but allows shared (acyclic) references', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
  });
});
