import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '@shared/auth/roles.js';
import { ProblemPages } from '@shared/http/problem-pages.js';
import { PAGE_CSP, Pages } from '@modules/web/index.js';
import type { SignedInPeople, SignedInPerson } from '../application/signed-in-people.js';
import { returnPath } from '../application/sign-in.service.js';

/** A link under a page's message. */
export interface PageLink {
  href: string;
  text: string;
}

const HOME: PageLink = { href: '/home', text: 'Go to your home page' };

const NAVIGATION = [
  { href: '/home', text: 'Home' },
  { href: '/account', text: 'Your account' },
  { href: '/docs', text: 'API documentation' },
];

/**
 * The page frame (service name, demo banner, header links) over `viewDirs`: for every page for
 * people, through PersonPageKit or, for a page that finds its person another way, directly.
 */
export function personPages(
  demo: boolean,
  viewDirs: readonly string[],
  navigation: { href: string; text: string }[] = NAVIGATION,
): Pages {
  return new Pages({ serviceName: 'Probation information-sharing gateway', demo, navigation }, viewDirs);
}

/**
 * What every page for signed-in people shares: its templates over the page frame, the signed-in
 * person with the role check the API route behind the page makes, and answers that are pages
 * (HTML, never stored, the pages' CSP). Each module of pages makes one with its own views.
 */
export class PersonPageKit {
  readonly pages: Pages;

  constructor(
    private readonly people: SignedInPeople,
    demo: boolean,
    viewDirs: readonly string[],
    navigation: { href: string; text: string }[] = NAVIGATION,
  ) {
    this.pages = personPages(demo, viewDirs, navigation);
  }

  /**
   * The signed-in person, holding one of `roles` where roles are given (as the API route's @Roles
   * would require); otherwise null once the answer is sent: 303 to /sign-in for nobody signed in
   * (a page fetched with GET is named as `next`, so signing in lands on it: a link from an e-mail
   * or a colleague, or a page left open past the idle timeout), a 403 page for a person without
   * the role.
   */
  async person(req: FastifyRequest, reply: FastifyReply, roles?: readonly Role[]): Promise<SignedInPerson | null> {
    const person = await this.people.of(req);
    if (!person) {
      const back = req.method === 'GET' ? returnPath(req.url.split('?')[0]) : null;
      const to = back && back !== '/' ? `/sign-in?next=${encodeURIComponent(back)}` : '/sign-in';
      await reply.header('cache-control', 'no-store').redirect(to, 303);
      return null;
    }
    if (roles && !person.hasRole(...roles)) {
      this.problem(
        reply,
        403,
        'You cannot use this page',
        `This page is for people with the role ${roles.join(' or ')} at the gateway. Your organisation has not given you that role.`,
      );
      return null;
    }
    return person;
  }

  send(reply: FastifyReply, status: number, view: string, context: { title: string } & Record<string, unknown>): void {
    asPage(reply, status).send(this.pages.render(view, context));
  }

  /** A page that only says what happened and where to go (by default, the person's home page). */
  problem(reply: FastifyReply, status: number, title: string, message: string, link: PageLink = HOME): void {
    sendProblemPage(this.pages, reply, status, title, message, link);
  }

  /** 400: a posted form that did not come from a page served to this session (CSRF); nothing was done. */
  formNotFromSession(reply: FastifyReply, back: PageLink = HOME): void {
    this.problem(
      reply,
      400,
      'This form has expired',
      'This form did not come from a page of your current session, so nothing was changed. Open the page again and send it from there.',
      back,
    );
  }
}

/**
 * Problems as pages in the people's page frame: what a person's browser gets where a system gets
 * problem+json (an address with no page, say), in words for a person, with the way home.
 */
export class PersonProblemPages extends ProblemPages {
  private readonly pages: Pages;

  constructor(demo: boolean) {
    super();
    this.pages = personPages(demo, []);
  }

  send(reply: unknown, p: { status: number; title: string; detail: string; retryAfter?: number }): void {
    const r = reply as FastifyReply;
    const [title, message] =
      p.status === 404
        ? ['Page not found', 'There is no page at this address. Check it, or start again from your home page.']
        : [p.title, p.detail];
    if (p.retryAfter) r.header('retry-after', String(p.retryAfter));
    sendProblemPage(this.pages, r, p.status, title, message, HOME);
  }
}

/** A page that only says what happened and where to go. */
function sendProblemPage(
  pages: Pages,
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
  link: PageLink,
): void {
  asPage(reply, status).send(pages.render('page-problem.njk', { title, message, link }));
}

/** An answer that is a page: HTML, never stored, under the pages' CSP. */
export function asPage(reply: FastifyReply, status: number): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', PAGE_CSP);
}
