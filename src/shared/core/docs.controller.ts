import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Public } from '@shared/auth/decorators.js';
import { NotFoundException } from '@shared/errors/index.js';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Probation gateway API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs-init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/docs-json', dom_id: '#swagger-ui', deepLinking: true });`;

interface Reply {
  header(name: string, value: string): Reply;
  send(body: unknown): unknown;
}

/**
 * Serves the Swagger UI page for /docs-json from the swagger-ui-dist files directly: a fixed
 * list of assets, no directory serving, no extra static-file plugin.
 */
@Public()
@ApiExcludeController()
@Controller('docs')
export class DocsController {
  private readonly dir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  private readonly cache = new Map<string, Buffer>();

  @Get()
  page(@Res() reply: Reply): void {
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      )
      .send(PAGE);
  }

  @Get('assets/:file')
  async asset(@Param('file') file: string, @Res() reply: Reply): Promise<void> {
    if (file === 'docs-init.js') {
      reply.header('content-type', 'application/javascript; charset=utf-8').send(INIT);
      return;
    }
    const type = ASSETS[file];
    if (!type) throw new NotFoundException('The asset');
    let body = this.cache.get(file);
    if (!body) {
      body = await readFile(path.join(this.dir, file));
      this.cache.set(file, body);
    }
    reply.header('content-type', type).header('cache-control', 'public, max-age=3600').send(body);
  }
}
