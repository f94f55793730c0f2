import { errorCodes, type FastifyInstance } from 'fastify';
import { ValidationException } from '@shared/errors/index.js';
import { isValidUtf8 } from './storable-text.js';

/** The media type of an HTML form's body: mark a page's POST handler `@Consumes(FORM)`. */
export const FORM = 'application/x-www-form-urlencoded';

/**
 * Accepts HTML form bodies (application/x-www-form-urlencoded) on the routes named, and only
 * there: every other route answers such a body 415 as before, with Fastify's own error. A field
 * sent twice keeps its first value; fields are decoded as browsers encode them ('+' a space,
 * percent-encoded UTF-8), strictly: bytes that are not UTF-8 (raw or percent-encoded), or a stray
 * '%', are a 400 naming the field (`body.<name>`, or `body`), where URLSearchParams would have
 * turned them into U+FFFD unseen. Then they pass the same
 * unstorable-text check as any body.
 */
export function acceptFormsOn(fastify: FastifyInstance, routes: readonly string[], bodyLimit: number): void {
  const allowed = new Set(routes);
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit },
    (req, body, done) => {
      if (!allowed.has(req.routeOptions.url ?? '')) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(req.headers['content-type'] ?? ''), undefined);
        return;
      }
      // Read as bytes: Fastify's string decoding would turn bytes that are not UTF-8 into U+FFFD.
      const bytes = body as Buffer;
      if (!isValidUtf8(bytes)) {
        done(new ValidationException([{ field: 'body', message: 'must be valid UTF-8' }]), undefined);
        return;
      }
      const fields: Record<string, string> = {};
      for (const part of bytes.toString('utf8').split('&')) {
        if (!part) continue;
        const eq = part.indexOf('=');
        const [name, value] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
        const k = formDecode(name);
        const v = formDecode(value);
        if (k === null || v === null) {
          const field = k && /^[\w.-]{1,64}$/.test(k) ? `body.${k}` : 'body';
          done(new ValidationException([{ field, message: 'must be percent-encoded UTF-8' }]), undefined);
          return;
        }
        if (!Object.hasOwn(fields, k)) fields[k] = v;
      }
      done(null, fields);
    },
  );
}

/** One name or value of a form body, decoded; null when it is not percent-encoded UTF-8. */
function formDecode(raw: string): string | null {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
