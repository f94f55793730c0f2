import { errorCodes, type FastifyInstance } from 'fastify';

/** The media type of an HTML form's body: mark a page's POST handler `@Consumes(FORM)`. */
export const FORM = 'application/x-www-form-urlencoded';

/**
 * Accepts HTML form bodies (application/x-www-form-urlencoded) on the routes named, and only
 * there: every other route answers such a body 415 as before, with Fastify's own error. A field
 * sent twice keeps its first value; fields are decoded as browsers encode them (WHATWG
 * URLSearchParams), and then pass the same unstorable-text check as any body.
 */
export function acceptFormsOn(fastify: FastifyInstance, routes: readonly string[], bodyLimit: number): void {
  const allowed = new Set(routes);
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (req, body, done) => {
      if (!allowed.has(req.routeOptions.url ?? '')) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(req.headers['content-type'] ?? ''), undefined);
        return;
      }
      const fields: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(body as string)) if (!Object.hasOwn(fields, k)) fields[k] = v;
      done(null, fields);
    },
  );
}
