import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { createRequire } from 'node:module';
import path from 'node:path';

/** swagger-ui-dist's folder: the Swagger UI files the /docs page loads. */
export const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The files of that folder the page uses; its other files (sources, maps, its own index.html) are not served. */
const SWAGGER_UI_FILES = new Set([
  '/swagger-ui.css',
  '/swagger-ui-bundle.js',
  '/swagger-ui-standalone-preset.js',
  '/favicon-32x32.png',
]);

/**
 * Serves the Swagger UI files at /docs/assets/ with @fastify/static: any other name is the
 * gateway's ordinary 404 (DocsController serves the page and its docs-init.js). The files change
 * only with the package's version, so browsers may keep them an hour.
 */
export async function registerDocsAssets(fastify: FastifyInstance): Promise<void> {
  await fastify.register(fastifyStatic, {
    root: SWAGGER_UI_DIR,
    prefix: '/docs/assets/',
    index: false,
    decorateReply: false,
    cacheControl: false,
    allowedPath: (pathName: string) => SWAGGER_UI_FILES.has(pathName),
    setHeaders: (reply, file) => {
      reply.header('cache-control', 'public, max-age=3600');
      // RFC 9239's type for scripts; send's MIME table still says application/javascript.
      if (file.endsWith('.js')) reply.header('content-type', 'text/javascript; charset=utf-8');
    },
  });
}
