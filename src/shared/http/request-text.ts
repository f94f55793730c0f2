import type { FieldError } from '@shared/errors/domain.exception.js';
import { findUnstorableText, isValidUtf8 } from './storable-text.js';

/** What the text check reads of a request (a Fastify request fits). */
export interface TextBearingRequest {
  url?: string;
  rawBody?: unknown;
  body?: unknown;
  query?: unknown;
  params?: unknown;
}

/**
 * The first input of a request that the gateway must refuse as text: a raw body that is not
 * valid UTF-8 (Node would otherwise decode it to U+FFFD silently), or a string anywhere in the
 * parsed body, the query or the path parameters that PostgreSQL would refuse. Headers the
 * gateway keeps are checked where they are read (x-request-id by its pattern, the request
 * token's claims by the signed-request guard). Null when every input is acceptable.
 */
export function unstorableInput(req: TextBearingRequest): FieldError | null {
  const raw = req.rawBody ?? (Buffer.isBuffer(req.body) ? req.body : undefined);
  if (raw instanceof Uint8Array && !isValidUtf8(raw)) return { field: 'body', message: 'must be valid UTF-8' };
  return (
    undecodableQuery(req.url) ??
    (Buffer.isBuffer(req.body) ? null : findUnstorableText(req.body, 'body')) ??
    findUnstorableText(namedParams(req.params), 'params') ??
    findUnstorableText(req.query, 'query')
  );
}

/**
 * The path parameters under the names the API description gives them: a wildcard route's rest of
 * the path (Fastify's `*`) is documented as `path`.
 */
function namedParams(params: unknown): unknown {
  if (!params || typeof params !== 'object' || !('*' in params)) return params;
  const { '*': rest, ...named } = params as Record<string, unknown>;
  return { ...named, path: rest };
}

/**
 * The first query member whose percent-encoding is not UTF-8 (%FF, an encoded surrogate): the
 * query parser leaves such a value undecoded rather than refusing it, so it is checked here.
 */
function undecodableQuery(url: string | undefined): FieldError | null {
  const q = url?.indexOf('?') ?? -1;
  if (!url || q < 0) return null;
  for (const member of url.slice(q + 1).split('&')) {
    const eq = member.indexOf('=');
    const [name, value] = eq < 0 ? [member, ''] : [member.slice(0, eq), member.slice(eq + 1)];
    for (const part of [name, value]) {
      try {
        decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        let shown: string;
        try {
          shown = decodeURIComponent(name);
        } catch {
          shown = '(name)';
        }
        return {
          field: `query.${findUnstorableText(shown, '') ? '(name)' : shown}`,
          message: 'must be percent-encoded UTF-8',
        };
      }
    }
  }
  return null;
}
