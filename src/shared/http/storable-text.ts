import type { FieldError } from '@shared/errors/domain.exception.js';

/**
 * Text PostgreSQL refuses: NUL (in text and in jsonb, where "\u0000" is an error) and UTF-16
 * surrogates that do not pair (jsonb refuses an escaped lone surrogate; as text the driver would
 * silently store U+FFFD instead of what was sent). Surrogates are matched on code units, hence
 * no `u` flag.
 */
const NUL = String.fromCharCode(0);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

export function isStorableText(s: string): boolean {
  return !s.includes(NUL) && !LONE_SURROGATE.test(s);
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8, throwing on any invalid sequence (Buffer#toString would turn it into U+FFFD). */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  return STRICT_UTF8.decode(bytes);
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    decodeUtf8Strict(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The JSON of one base64url part of a compact JWS, decoded strictly: invalid UTF-8 throws like
 * malformed JSON does. Unstorable text in it is left for findUnstorableText to name.
 */
export function parseJwsJson(part: string): unknown {
  const text = decodeUtf8Strict(Buffer.from(part, 'base64url'));
  const value: unknown = JSON.parse(text);
  refuseDuplicateMembers(text);
  return value;
}

/** What refuseDuplicateMembers throws for a name given twice (a SyntaxError, as JSON.parse's are). */
export class DuplicateMember extends SyntaxError {
  constructor(readonly member: string) {
    super(`duplicate member name ${JSON.stringify(member)}`);
    this.name = 'DuplicateMember';
  }
}

const isJsonSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * Throws a SyntaxError when an object in `text` names a member twice (or, for text that is not
 * JSON, where a string does not end; run it on JSON that JSON.parse accepted). RFC 7493 (I-JSON) forbids it, and in a signed document it is a forgery's tool: JSON.parse
 * keeps the last value, another reader the first, and both read the same signed bytes.
 */
export function refuseDuplicateMembers(text: string): void {
  const objects: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) objects.push(new Set());
    else if (c === 0x5b) objects.push(null);
    else if (c === 0x7d || c === 0x5d) objects.pop();
    else if (c === 0x22) {
      let end = i + 1;
      let escaped = false;
      while (end < text.length && text.charCodeAt(end) !== 0x22) {
        if (text.charCodeAt(end) === 0x5c) {
          escaped = true;
          end++;
        }
        end++;
      }
      if (end >= text.length) throw new SyntaxError('unterminated string');
      const members = objects[objects.length - 1];
      let next = end + 1;
      while (isJsonSpace(text.charCodeAt(next))) next++;
      if (members && text.charCodeAt(next) === 0x3a) {
        const name = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        if (members.has(name)) throw new DuplicateMember(name);
        members.add(name);
      }
      i = end;
    }
  }
}

/** A member name as it can be shown (and stored, in a problem or log entry) whatever it holds. */
function memberName(key: string): string {
  return isStorableText(key) && /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
}

function join(path: string, key: string): string {
  const name = memberName(key);
  if (!path) return name;
  return name.startsWith('"') ? `${path}[${name}]` : `${path}.${name}`;
}

/**
 * The first string (value or member name) anywhere in `value` that PostgreSQL would refuse,
 * named by its path under `root` (e.g. `body.person.name`, `query.purpose`, `token.reason`), or
 * null when there is none. Iterative, so depth costs no stack (bodies are depth-limited anyway).
 */
export function findUnstorableText(value: unknown, root: string): FieldError | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return { field: path || '(value)', message: UNSTORABLE_TEXT_MESSAGE };
      continue;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
      continue;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, child] = entries[i];
      if (!isStorableText(k)) return { field: join(path, k), message: `member names ${UNSTORABLE_TEXT_MESSAGE}` };
      stack.push([child, join(path, k)]);
    }
  }
  return null;
}
