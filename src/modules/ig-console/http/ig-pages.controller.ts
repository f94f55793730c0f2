import { Controller, Get, Header, Inject, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import { sourcePath } from '@shared/core/source-root.js';
import { PAGE_CSP, Pages } from '@modules/web/index.js';
import { NoStoreInterceptor } from '../application/no-store.interceptor.js';

/** The header's links: those of every other page for signed-in people. */
const NAVIGATION = [
  { href: '/home', text: 'Home' },
  { href: '/account', text: 'Your account' },
  { href: '/docs', text: 'API documentation' },
];

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

/** The purposes a log search picks from, in plain words. */
const PURPOSES = [
  { value: 'IOM', text: 'IOM' },
  { value: 'MAPPA', text: 'MAPPA' },
  { value: 'RISK_MANAGEMENT', text: 'Risk management' },
  { value: 'RECALL', text: 'Recall' },
  { value: 'COURT_REPORT', text: 'Court report' },
  { value: 'SUBJECT_ACCESS', text: 'Subject access' },
];

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
    this.pages = new Pages(
      { serviceName: 'Probation information-sharing gateway', demo: config.demo, navigation: NAVIGATION },
      [sourcePath('modules/ig-console/views/')],
    );
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', PAGE_CSP)
  page(): string {
    return this.pages.render('console.njk', {
      title: 'Information governance console',
      sections: SECTIONS,
      purposes: PURPOSES,
    });
  }

  /** What the sign-in page offers: demo identities only on a demo gateway. */
  @Get('sign-in-options')
  @UseInterceptors(NoStoreInterceptor)
  signInOptions(): { demo: boolean } {
    return { demo: this.config.demo };
  }
}
