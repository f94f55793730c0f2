import nunjucks from 'nunjucks';
import { GOVUK_FRONTEND_DIR, WEB_VIEWS_DIR } from './web-assets.js';

/** What every page's frame shows. */
export interface PageFrame {
  serviceName: string;
  demo: boolean;
  navigation: { href: string; text: string; active?: boolean }[];
}

/**
 * Renders the pages for people with Nunjucks over GOV.UK Frontend's macros. Every value is
 * HTML-escaped (autoescape); a template that names a value the page did not give fails loudly
 * (throwOnUndefined) rather than rendering a blank.
 */
export class Pages {
  private readonly env = new nunjucks.Environment(new nunjucks.FileSystemLoader([WEB_VIEWS_DIR, GOVUK_FRONTEND_DIR]), {
    autoescape: true,
    throwOnUndefined: true,
  });

  constructor(private readonly frame: PageFrame) {}

  render(view: string, context: { title: string } & Record<string, unknown>): string {
    return this.env.render(view, { ...this.frame, ...context });
  }
}
