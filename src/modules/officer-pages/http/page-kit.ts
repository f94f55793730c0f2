import type { FastifyReply, FastifyRequest } from 'fastify';
import { sourcePath } from '@shared/core/source-root.js';
import type { FieldError } from '@shared/errors/index.js';
import { PAGE_CSP, Pages } from '@modules/web/index.js';
import type { SignedInPeople, SignedInPerson } from '@modules/people/index.js';

const NAVIGATION = [
  { href: '/home', text: 'Home' },
  { href: '/find-a-person', text: 'Find a person' },
  { href: '/account', text: 'Your account' },
];

/** A reason is free text the log keeps; this many characters at most. */
export const REASON_MAX = 500;

/** A field's error as the GOV.UK macros take it, or false where the field is fine. */
export type ErrorMessages = Record<string, { text: string } | false>;

/** The error summary's list and each field's message, for the fields `fields` of a form. */
export function errorsFor(
  errors: readonly FieldError[],
  fields: readonly string[],
  anchors: Record<string, string> = {},
) {
  const messages: ErrorMessages = Object.fromEntries(fields.map((f) => [f, false]));
  for (const e of errors) if (!messages[e.field]) messages[e.field] = { text: e.message };
  return {
    errorList: errors.map((e) => ({ text: e.message, href: `#${anchors[e.field] ?? e.field}` })),
    messages,
  };
}

/** The reason a person gave, or the error naming it. */
export function reasonOf(body: Record<string, unknown>): string | FieldError {
  const r = typeof body.reason === 'string' ? body.reason.trim() : '';
  if (!r) return { field: 'reason', message: 'Enter why you need this information' };
  if (r.length > REASON_MAX) return { field: 'reason', message: `Reason must be ${REASON_MAX} characters or fewer` };
  return r;
}

/** A posted form's members (an empty object where the body is not a form). */
export function formOf(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

/**
 * What the officers' pages share: their templates over the page frame, the signed-in person or
 * the way to sign in, and the answers that are pages (no-store, the page CSP).
 */
export class PageKit {
  readonly pages: Pages;

  constructor(
    private readonly people: SignedInPeople,
    demo: boolean,
  ) {
    this.pages = new Pages({ serviceName: 'Probation information-sharing gateway', demo, navigation: NAVIGATION }, [
      sourcePath('modules/officer-pages/views/'),
    ]);
  }

  /** The signed-in person, or null after answering 303 to /sign-in. */
  async person(req: FastifyRequest, reply: FastifyReply): Promise<SignedInPerson | null> {
    const person = await this.people.of(req);
    if (!person) await reply.header('cache-control', 'no-store').redirect('/sign-in', 303);
    return person;
  }

  send(reply: FastifyReply, status: number, view: string, context: { title: string } & Record<string, unknown>): void {
    reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', PAGE_CSP)
      .send(this.pages.render(view, context));
  }

  problem(
    reply: FastifyReply,
    status: number,
    title: string,
    message: string,
    link?: { href: string; text: string },
  ): void {
    this.send(reply, status, 'page-problem.njk', { title, message, link: link ?? false });
  }

  /** 403: the person's roles do not include this page's. */
  wrongRole(reply: FastifyReply, what: string): void {
    this.problem(reply, 403, 'You cannot use this page', `Your roles at the gateway do not let you ${what}.`, {
      href: '/home',
      text: 'Go to your home page',
    });
  }

  /** 400: a posted form that did not come from a page served to this session (CSRF). */
  formNotFromSession(reply: FastifyReply, back: string): void {
    this.problem(
      reply,
      400,
      'This form has expired',
      'This form did not come from a page of your current session. Open the page again and send it from there.',
      { href: back, text: 'Open the page again' },
    );
  }
}

export type { FastifyReply, FastifyRequest };
