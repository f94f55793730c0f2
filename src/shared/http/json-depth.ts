/** No request body of the API nests deeper than a handful of levels; this leaves ample room. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether a parsed JSON value nests deeper than `limit` objects/arrays. Iterative, so a
 * 100,000-level body cannot overflow the stack here (class-transformer and class-validator
 * recurse, which is why such bodies must be refused before the validation pipe).
 */
export function exceedsJsonDepth(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** No request body of the API has more than a few hundred values; 10,000 leaves ample room. */
export const MAX_JSON_NODES = 10_000;

/**
 * Whether a parsed JSON value holds more than `limit` objects, arrays and values in all. A
 * 400 KB body of 200,000 tiny array items would otherwise cost seconds of validation CPU
 * before its inevitable 400.
 */
export function exceedsJsonSize(value: unknown, limit = MAX_JSON_NODES): boolean {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (++count > limit) return true;
    // Raw bodies (application/jose arrives as a Buffer) are bytes, not JSON values.
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    if (Array.isArray(v)) {
      if (count + v.length > limit) return true;
      for (const child of v) stack.push(child);
    } else {
      for (const child of Object.values(v)) stack.push(child);
    }
  }
  return false;
}
