import type { FastifyReply, FastifyRequest } from 'fastify';
import { sourcePath } from '@shared/core/source-root.js';
import type { FieldError } from '@shared/errors/index.js';
import { PersonPageKit, type SignedInPeople } from '@modules/people/index.js';

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

/** The officers' pages: the shared page kit over this module's views, with their navigation. */
export class PageKit extends PersonPageKit {
  constructor(people: SignedInPeople, demo: boolean) {
    super(people, demo, [sourcePath('modules/officer-pages/views/')], NAVIGATION);
  }

  /** 403: the person's roles do not include this page's. */
  wrongRole(reply: FastifyReply, what: string): void {
    this.problem(reply, 403, 'You cannot use this page', `Your roles at the gateway do not let you ${what}.`);
  }
}

export type { FastifyReply, FastifyRequest };
