import { Controller, Get, Inject, Param, Res, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import { NotFoundException } from '@shared/errors/index.js';
import { NoStoreInterceptor } from '../application/no-store.interceptor.js';

/** Only same-origin scripts, styles, images and fetches; no inline code, no framing. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const JS = 'text/javascript; charset=utf-8';

/** The console's files: its browser modules are built from static/*.ts and src/shared/verification/*.ts. */
const ASSETS: Record<string, string> = {
  'console.css': 'text/css; charset=utf-8',
  'print.css': 'text/css; charset=utf-8',
  'console.js': JS,
  'dom.js': JS,
  'governance.js': JS,
  'verify.js': JS,
  'verification/bytes.js': JS,
  'verification/canonical-json.js': JS,
  'verification/rfc9162.js': JS,
  'verification/sha256.js': JS,
  'verification/signed-note.js': JS,
  'favicon.svg': 'image/svg+xml',
};

/**
 * Where the built console lies: static/ beside this file in the build (dist/). Under Jest, which
 * runs the TypeScript sources, the same folder of the build the test run starts with.
 */
function consoleDir(): URL {
  const own = new URL('../static/', import.meta.url);
  return import.meta.url.endsWith('.ts') ? new URL('../../../../dist/src/modules/ig-console/static/', own) : own;
}

interface Reply {
  header(name: string, value: string): Reply;
  send(body: unknown): unknown;
}

/**
 * Serves the console's page and its fixed list of static files (plain HTML, CSS and JS, read
 * once at start-up): no directory serving, so nothing else under the folder can be reached.
 */
@Public()
@ApiExcludeController()
@Controller('ig')
export class IgPagesController {
  private readonly files = new Map<string, Buffer>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const dir = consoleDir();
    for (const name of ['index.html', ...Object.keys(ASSETS)]) this.files.set(name, readFileSync(new URL(name, dir)));
  }

  @Get()
  page(@Res() reply: Reply): void {
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', CONSOLE_CSP)
      .header('cache-control', 'no-cache')
      .send(this.files.get('index.html'));
  }

  /** What the sign-in page offers: demo identities only on a demo gateway. */
  @Get('sign-in-options')
  @UseInterceptors(NoStoreInterceptor)
  signInOptions(): { demo: boolean } {
    return { demo: this.config.demo };
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() reply: Reply): void {
    this.send(file, reply);
  }

  /** The shared verification modules the console's verifier imports (./verification/<file>). */
  @Get('assets/verification/:file')
  verification(@Param('file') file: string, @Res() reply: Reply): void {
    this.send(`verification/${file}`, reply);
  }

  private send(file: string, reply: Reply): void {
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    const body = type ? this.files.get(file) : undefined;
    if (!type || !body) throw new NotFoundException('The asset');
    reply
      .header('content-type', type)
      .header('content-security-policy', CONSOLE_CSP)
      .header('cache-control', 'no-cache')
      .send(body);
  }
}
