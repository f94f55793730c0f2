import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { RUNNING_FROM_SOURCE, sourcePath } from '@shared/core/source-root.js';
import { PAGE_CSP } from '@modules/web/index.js';

/**
 * The built console: CSS as it is, browser modules compiled from static/*.ts and
 * src/shared/verification/*.ts (verification/) by the build. That is static/ beside this file in
 * the build (dist/); under Jest, which runs the TypeScript sources, the same folder of the build
 * the test run starts with.
 */
export const CONSOLE_STATIC_DIR = sourcePath(
  RUNNING_FROM_SOURCE ? '../dist/src/modules/ig-console/static/' : 'modules/ig-console/static/',
);

/**
 * Serves the console's static files under /ig/assets/ with @fastify/static, and decorates the reply
 * with sendFile (registerWebAssets relies on it). wildcard: false makes one route per file
 * found at start-up, less type declarations and source maps: any other name, or a path that climbs out,
 * matches no route and is the gateway's ordinary 404. Every answer is revalidated (no-cache) and
 * carries the pages' CSP (the console's page is one of them).
 */
export async function registerConsoleAssets(fastify: FastifyInstance): Promise<void> {
  await fastify.register(fastifyStatic, {
    root: CONSOLE_STATIC_DIR,
    prefix: '/ig/assets/',
    wildcard: false,
    index: false,
    globIgnore: ['**/*.d.ts', '**/*.map'],
    cacheControl: false,
    setHeaders: (reply, file) => {
      reply.header('cache-control', 'no-cache').header('content-security-policy', PAGE_CSP);
      // RFC 9239's type for scripts; send's MIME table still says application/javascript.
      if (file.endsWith('.js')) reply.header('content-type', 'text/javascript; charset=utf-8');
    },
  });
}
