import { Controller, Get, Header, Inject, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import { sourcePath } from '@shared/core/source-root.js';
import { PURPOSE_WORDS } from '@shared/domain/plain-words.js';
import { PURPOSES } from '@shared/domain/vocabulary.js';
import { personPages } from '@modules/people/index.js';
import { PAGE_CSP, type Pages } from '@modules/web/index.js';
import { NoStoreInterceptor } from '../application/no-store.interceptor.js';

/** The console's sections, each a #/ route of its browser modules (console.ts). */
const SECTIONS = [
  { route: 'log', text: 'Log review' },
  { route: 'subject', text: 'Subject access report' },
  { route: 'flags', text: 'Misuse flags' },
  { route: 'charts', text: 'Activity charts' },
  { route: 'overview', text: 'Governance overview' },
  { route: 'records', text: 'IG records' },
  { route: 'retention', text: 'Retention' },
];

/** The purposes a log search picks from, in the pages' plain words. */
const PURPOSE_CHOICES = PURPOSES.map((value) => ({ value, text: PURPOSE_WORDS[value].text }));

/**
 * The console's page: the shared frame of the pages for people (layout.njk, GOV.UK Frontend) around
 * the console's views, which its browser modules fill from /ig/api. The page holds no data: who is
 * signed in is asked for by the page itself (GET /ig/api/session). Its static files are served by
 * @fastify/static (registerConsoleAssets).
 */
@Public()
@ApiExcludeController()
@Controller('ig')
export class IgPagesController {
  private readonly pages: Pages;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.pages = personPages(config.demo, [sourcePath('modules/ig-console/views/')]);
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', PAGE_CSP)
  page(): string {
    return this.pages.render('console.njk', {
      title: 'Information governance console',
      sections: SECTIONS,
      purposes: PURPOSE_CHOICES,
    });
  }

  /** What the sign-in page offers: demo identities only on a demo gateway. */
  @Get('sign-in-options')
  @UseInterceptors(NoStoreInterceptor)
  signInOptions(): { demo: boolean } {
    return { demo: this.config.demo };
  }
}
