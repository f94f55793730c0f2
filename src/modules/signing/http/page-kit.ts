import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '@shared/auth/roles.js';
import { DomainException, statusOf, type FieldError } from '@shared/errors/index.js';
import { sourcePath } from '@shared/core/source-root.js';
import type { SignedInPeople, SignedInPerson } from '@modules/people/index.js';
import { PAGE_CSP, Pages } from '@modules/web/index.js';

/** The media type of every form these pages post (their routes are in SIGNING_FORM_ROUTES). */
export const FORM = 'application/x-www-form-urlencoded';

const NAVIGATION = [
  { href: '/home', text: 'Home' },
  { href: '/account', text: 'Your account' },
  { href: '/docs', text: 'API documentation' },
];

/** One error of a GOV.UK error summary: the message, and the field it links to. */
export interface PageError {
  text: string;
  href: string;
}

/** Field errors of a domain exception as an error summary, each linked to the page's field `fieldIds[field]`. */
export function pageErrors(e: DomainException, fieldIds: Record<string, string>, fallback: string): PageError[] {
  const errors: FieldError[] = e.options.errors?.length ? e.options.errors : [];
  if (!errors.length) return [{ text: e.detail, href: `#${fallback}` }];
  return errors.map((f) => ({ text: `${f.field}: ${f.message}`, href: `#${fieldIds[f.field] ?? fallback}` }));
}

/** The frame these pages share: rendering, the signed-in person with a role check, and HTML answers. */
export class PageKit {
  readonly pages: Pages;

  constructor(
    private readonly people: SignedInPeople,
    demo: boolean,
  ) {
    this.pages = new Pages({ serviceName: 'Probation information-sharing gateway', demo, navigation: NAVIGATION }, [
      sourcePath('modules/signing/views/'),
    ]);
  }

  html(reply: FastifyReply, status: number): FastifyReply {
    return reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', PAGE_CSP);
  }

  send(reply: FastifyReply, status: number, view: string, context: { title: string } & Record<string, unknown>): void {
    this.html(reply, status).send(this.pages.render(view, context));
  }

  /**
   * The signed-in person holding one of `roles`, or null once the answer is sent: not signed in is
   * a 303 to /sign-in, a person without the role gets the 403 page (as the API route's @Roles would).
   */
  async person(req: FastifyRequest, reply: FastifyReply, roles: readonly Role[]): Promise<SignedInPerson | null> {
    const person = await this.people.of(req);
    if (!person) {
      await reply.header('cache-control', 'no-store').redirect('/sign-in', 303);
      return null;
    }
    if (!person.hasRole(...roles)) {
      this.problem(
        reply,
        403,
        'You cannot use this page',
        `This page is for people with the role ${roles.join(' or ')}.`,
      );
      return null;
    }
    return person;
  }

  /** A POST whose form token is not this session's (CSRF): 400, nothing done. */
  notFromSession(reply: FastifyReply): void {
    this.problem(
      reply,
      400,
      'This form was not sent from your pages',
      'Nothing was changed. Open the page again and send the form from there.',
    );
  }

  problem(reply: FastifyReply, status: number, title: string, message: string): void {
    this.send(reply, status, 'problem.njk', { title, message });
  }

  /** A domain exception as the API would answer it, on a page: its status and its sentence. */
  refused(reply: FastifyReply, e: unknown, title: string): void {
    if (!(e instanceof DomainException) || statusOf(e.kind).status >= 500) throw e;
    this.problem(reply, statusOf(e.kind).status, title, e.detail);
  }
}

/** A form field's text value ('' when absent or not text). */
export function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | null | undefined)?.[name];
  return typeof v === 'string' ? v : '';
}
