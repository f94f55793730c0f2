import type { FastifyReply } from 'fastify';
import { DomainException, statusOf, type FieldError } from '@shared/errors/index.js';
import { sourcePath } from '@shared/core/source-root.js';
import { PersonPageKit, type SignedInPeople } from '@modules/people/index.js';

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

/** The signing pages: the shared page kit over this module's views, and refusals as pages. */
export class PageKit extends PersonPageKit {
  constructor(people: SignedInPeople, demo: boolean) {
    super(people, demo, [sourcePath('modules/signing/views/')]);
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
