/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * Canonical bytes are what get hashed into the access-log Merkle tree and signed, so two
 * parties serialising the same logical value must produce identical bytes. JCS gets there by
 * leaning on ECMAScript's own JSON primitives: numbers and strings are serialised exactly as
 * `JSON.stringify` does (RFC 8785 3.2.2.2 / 3.2.2.3 are defined in terms of them), and the only
 * extra rules are "no whitespace" and "object members sorted by UTF-16 code units".
 *
 * The one implementation for the gateway, its command-line tools and the IG console's browser
 * code (built from this file for the browser): it uses nothing but the language itself.
 */

// A lone surrogate cannot be encoded as UTF-8, and RFC 8785 requires I-JSON input (RFC 7493
// 2.1), which forbids them. With the `u` flag a well-formed pair is one code point, so this only
// matches surrogates that are not part of a pair.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Serialise `value` as RFC 8785 canonical JSON.
 *
 * Differences from `JSON.stringify`, all of them chosen so that data cannot be silently dropped
 * or altered on its way into a hash:
 * - non-finite numbers, bigint, functions and symbols throw instead of becoming `null`/vanishing;
 * - `undefined` at top level or as an array element throws (an object member whose value is
 *   `undefined` is still skipped, as `JSON.stringify` does, because optional fields are common);
 * - `Map` and `Set` throw, because `JSON.stringify` would turn them into `{}`;
 * - strings (values and keys) containing lone surrogates throw (not valid I-JSON);
 * - cyclic structures throw a `TypeError`, as `JSON.stringify` does.
 *
 * Like `JSON.stringify`, `toJSON()` is honoured (so a `Date` becomes its ISO string) and boxed
 * primitives are unwrapped. Symbol-keyed and non-enumerable properties are ignored.
 *
 * @throws TypeError when the value cannot be represented as I-JSON.
 */
export function canonicalJson(value: unknown): string {
  const out = serialise(value, '', new Set<object>());
  if (out === undefined) {
    throw new TypeError('canonicalJson: top-level value is undefined');
  }
  return out;
}

/** Returns `undefined` only for a value an object member should omit (i.e. `undefined`). */
function serialise(input: unknown, key: string, ancestors: Set<object>): string | undefined {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  // Boxed primitives serialise as their primitive, matching JSON.stringify.
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    value = value.valueOf();
  }

  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalJson: non-finite number ${String(value)} at ${where(key)}`);
      }
      // ECMAScript Number::toString is exactly RFC 8785 3.2.2.3 (and it already maps -0 to "0").
      return JSON.stringify(value);
    case 'string':
      return serialiseString(value, key);
    case 'bigint':
    case 'symbol':
    case 'function':
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value} at ${where(key)}`);
    case 'object':
      break;
  }
  if (value === null) {
    return 'null';
  }
  if (value instanceof Map || value instanceof Set) {
    throw new TypeError(`canonicalJson: cannot serialise a ${value.constructor.name} at ${where(key)}`);
  }
  const object = value;
  if (ancestors.has(object)) {
    throw new TypeError(`canonicalJson: cyclic structure at ${where(key)}`);
  }
  ancestors.add(object);
  try {
    return Array.isArray(object)
      ? serialiseArray(object, ancestors)
      : serialiseObject(object as Record<string, unknown>, ancestors);
  } finally {
    ancestors.delete(object);
  }
}

function serialiseArray(array: readonly unknown[], ancestors: Set<object>): string {
  const parts: string[] = new Array<string>(array.length);
  for (let i = 0; i < array.length; i++) {
    const element = serialise(array[i], String(i), ancestors);
    if (element === undefined) {
      // JSON.stringify would write `null`, which changes the data being hashed.
      throw new TypeError(`canonicalJson: undefined array element at index ${i}`);
    }
    parts[i] = element;
  }
  return `[${parts.join(',')}]`;
}

function serialiseObject(object: Record<string, unknown>, ancestors: Set<object>): string {
  // The default sort compares UTF-16 code units, which is precisely RFC 8785 3.2.3.
  const keys = Object.keys(object).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const member = serialise(object[key], key, ancestors);
    if (member !== undefined) {
      parts.push(`${serialiseString(key, key)}:${member}`);
    }
  }
  return `{${parts.join(',')}}`;
}

function serialiseString(value: string, key: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw new TypeError(`canonicalJson: string with a lone surrogate at ${where(key)}`);
  }
  // JSON.stringify's escaping (\b \t \n \f \r \" \\, other controls as lowercase \u00xx, all
  // else literal) is exactly RFC 8785 3.2.2.2.
  return JSON.stringify(value);
}

function where(key: string): string {
  return key === '' ? 'top level' : `key ${JSON.stringify(key)}`;
}
