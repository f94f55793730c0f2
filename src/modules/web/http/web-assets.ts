import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createRequire } from 'node:module';
import path from 'node:path';
import { sourcePath } from '@shared/core/source-root.js';

/** Same-origin scripts, styles, fonts and images only; no inline code, no framing, forms post back here. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** GOV.UK Frontend's built files (CSS, JS, Nunjucks templates, fonts and images). */
export const GOVUK_FRONTEND_DIR = path.join(
  path.dirname(createRequire(import.meta.url).resolve('govuk-frontend/package.json')),
  'dist',
);

/** This module's own pages' templates and assets. */
export const WEB_VIEWS_DIR = sourcePath('modules/web/views/');
const GOVUK_BUILT_FILES = new Set(['/govuk-frontend.min.css', '/govuk-frontend.min.js']);
const WEB_ASSETS_DIR = sourcePath('modules/web/assets/');

/**
 * Serves the pages' static files with @fastify/static: GOV.UK Frontend's fonts and images at
 * /assets/ (where its stylesheet looks for them), its stylesheet and script at /assets/govuk/, and
 * this module's own at /assets/web/. Any other path is the gateway's ordinary 404. The console
 * registered the reply decorator.
 */
export async function registerWebAssets(fastify: FastifyInstance): Promise<void> {
  const common = {
    wildcard: false,
    index: false as const,
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply: FastifyReply, file: string) => {
      // GOV.UK Frontend's files change only with its version; ours are revalidated.
      reply.header('cache-control', file.startsWith(WEB_ASSETS_DIR) ? 'no-cache' : 'public, max-age=86400');
      reply.header('content-security-policy', PAGE_CSP);
      // RFC 9239's type for scripts; send's MIME table still says application/javascript.
      if (file.endsWith('.js')) reply.header('content-type', 'text/javascript; charset=utf-8');
    },
  };
  await fastify.register(fastifyStatic, {
    ...common,
    root: path.join(GOVUK_FRONTEND_DIR, 'govuk/assets'),
    prefix: '/assets/',
  });
  // Its folder also holds sources and templates: one wildcard route that serves only the two built files.
  await fastify.register(fastifyStatic, {
    ...common,
    wildcard: true,
    root: path.join(GOVUK_FRONTEND_DIR, 'govuk'),
    prefix: '/assets/govuk/',
    allowedPath: (pathName: string) => GOVUK_BUILT_FILES.has(pathName),
  });
  await fastify.register(fastifyStatic, { ...common, root: WEB_ASSETS_DIR, prefix: '/assets/web/' });
}
