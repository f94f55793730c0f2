import type {} from '@fastify/static';
import { Controller, Get, Inject, Res, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import { NoStoreInterceptor } from '../application/no-store.interceptor.js';

/**
 * The console's page; its static files are served by @fastify/static (registerConsoleAssets), which
 * also gives the reply its sendFile, cache and CSP headers.
 */
@Public()
@ApiExcludeController()
@Controller('ig')
export class IgPagesController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  page(@Res() reply: FastifyReply): void {
    void reply.sendFile('index.html');
  }

  /** What the sign-in page offers: demo identities only on a demo gateway. */
  @Get('sign-in-options')
  @UseInterceptors(NoStoreInterceptor)
  signInOptions(): { demo: boolean } {
    return { demo: this.config.demo };
  }
}
