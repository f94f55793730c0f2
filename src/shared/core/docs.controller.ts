import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@shared/auth/decorators.js';

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
 * Serves the Swagger UI page for /docs-json and its start-up script; the swagger-ui-dist files it
 * loads are served by @fastify/static (registerDocsAssets).
 */
@Public()
@ApiExcludeController()
@Controller('docs')
export class DocsController {
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

  @Get('assets/docs-init.js')
  init(@Res() reply: Reply): void {
    reply.header('content-type', 'text/javascript; charset=utf-8').send(INIT);
  }
}
