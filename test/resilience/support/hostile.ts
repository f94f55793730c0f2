import fc from 'fast-check';
import { scale } from './mode.js';

/** Elements of the huge arrays: the validation pipe walks every one (about 20 µs each), so the quick form keeps them smaller. */
const HUGE = scale(20_000, 200_000);

/** Strings that have broken other services: SQL, path traversal, NUL, CRLF, template and script injection, numbers at the edges. */
export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE cases; --",
  "X123456' UNION SELECT entry FROM access_log_entries --",
  '"; SELECT pg_sleep(10); --',
  '../../../../etc/passwd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '..\\..\\windows\\win.ini',
  'a\u0000b',
  '%00',
  'x\r\nX-Injected: 1',
  '%0d%0aSet-Cookie:%20a=b',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  '9'.repeat(400),
  '',
  ' ',
  '\u202e\u0000\uffff',
  '\ud800',
  'X123456',
  'IOM',
  'null',
  'true',
  '[]',
  '{}',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.constantFrom('a'.repeat(2000), 'a'.repeat(5000)) },
);

/** Over Node's 16 KiB header limit in a URL or header: rare, so most inputs reach the application. */
export const hugeString = fc.constant('X'.repeat(17_000));

/** Any JSON value, hostile strings and prototype-pollution keys included (type confusion). */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.constantFrom(-0, 2 ** 53 + 1, -(2 ** 63), 1e308),
    hostileString,
    hugeString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'prototype')), tie('value'), {
      maxKeys: 5,
    }),
  ),
})).value;

const deep = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n);

/**
 * Raw bodies no JSON encoder would produce. `wellFormed` marks the few that are valid JSON of
 * valid UTF-8 text, which a route taking no body may ignore; every other one must be refused.
 */
export const RAW_BODIES: { name: string; bytes: Buffer; wellFormed?: true }[] = [
  { name: 'truncated', bytes: Buffer.from('{"a":') },
  { name: 'not json', bytes: Buffer.from('hello') },
  { name: 'trailing comma', bytes: Buffer.from('{"a":1,}') },
  { name: 'single quotes', bytes: Buffer.from("{'a':1}") },
  { name: 'duplicate keys', bytes: Buffer.from('{"reason":"a","reason":"b","keys":[],"keys":{}}'), wellFormed: true },
  {
    name: 'prototype pollution',
    bytes: Buffer.from(
      '{"__proto__":{"isAdmin":true,"roles":["gateway-admin"]},"constructor":{"prototype":{"polluted":1}}}',
    ),
  },
  {
    name: 'nested proto',
    bytes: Buffer.from('{"person":{"__proto__":{"x":1}},"parties":[{"__proto__":{"org":"gateway"}}]}'),
  },
  { name: 'deep arrays 10k', bytes: Buffer.from(deep(10_000, '[', ']')) },
  { name: 'deep objects 10k', bytes: Buffer.from(deep(10_000, '{"a":', '}')) },
  { name: 'deep arrays 100k', bytes: Buffer.from(deep(100_000, '[', ']')) },
  { name: 'huge array', bytes: Buffer.from(`[${'0,'.repeat(HUGE)}0]`) },
  {
    name: 'huge object array',
    bytes: Buffer.from(
      JSON.stringify({
        keys: Array.from({ length: HUGE / 10 }, (_, i) => ({ kid: `k${i}` })),
        parties: Array(HUGE / 10).fill({ org: 'x', role: 'PROVIDER' }),
      }),
    ),
  },
  { name: 'long string', bytes: Buffer.from(JSON.stringify({ reason: 'x'.repeat(900_000) })), wellFormed: true },
  {
    name: 'invalid utf-8',
    bytes: Buffer.from([
      0x7b, 0x22, 0x72, 0x65, 0x61, 0x73, 0x6f, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x7d,
    ]),
  },
  { name: 'overlong utf-8 NUL', bytes: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0x22, 0x7d]) },
  { name: 'lone surrogate escape', bytes: Buffer.from('{"reason":"\\ud800","id":"\\u0000"}') },
  { name: 'utf-16 bom', bytes: Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]) },
  { name: 'empty', bytes: Buffer.alloc(0) },
  { name: 'number', bytes: Buffer.from('1e999999'), wellFormed: true },
  { name: 'big int', bytes: Buffer.from('{"limit":123456789012345678901234567890,"version":1e400}'), wellFormed: true },
  { name: 'NUL bytes', bytes: Buffer.from('{"reason":"a\u0000b","crn":"X1\u000023"}') },
];

export const CONTENT_TYPES = [
  'application/json',
  'application/jose',
  'text/plain',
  'application/json; charset=latin1',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
];
