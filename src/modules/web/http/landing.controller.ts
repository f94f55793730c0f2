import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import { Pages } from './pages.js';
import { PAGE_CSP } from './web-assets.js';

/** GET /: what the gateway is and who it is for, with the ways in for people and for systems. */
@Public()
@ApiExcludeController()
@Controller()
export class LandingController {
  private readonly pages: Pages;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.pages = new Pages({
      serviceName: 'Probation information-sharing gateway',
      demo: config.demo,
      navigation: [
        { href: '/ig', text: 'IG console' },
        { href: '/docs', text: 'API documentation' },
      ],
    });
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  @Header('content-security-policy', PAGE_CSP)
  landing(): string {
    return this.pages.render('landing.njk', { title: 'Home' });
  }
}
