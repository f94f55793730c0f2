import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '@shared/auth/roles.js';
import { sourcePath } from '@shared/core/source-root.js';
import { PAGE_CSP, Pages } from '@modules/web/index.js';
import type { SignedInPeople, SignedInPerson } from '@modules/people/index.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the exchange's pages share: the frame, the sign-in and role check, and the answers for nobody's pages. */
export class PageKit {
  private readonly pages: Pages;

  constructor(
    demo: boolean,
    private readonly people: SignedInPeople,
  ) {
    this.pages = new Pages(
      {
        serviceName: 'Probation information-sharing gateway',
        demo,
        navigation: [
          { href: '/home', text: 'Home' },
          { href: '/account', text: 'Your account' },
          { href: '/docs', text: 'API documentation' },
        ],
      },
      [sourcePath('modules/exchange/views/')],
    );
  }

  /**
   * The signed-in person if they hold one of `roles` (the roles the API route behind the page
   * requires); otherwise the answer is sent (303 to /sign-in, or a 403 page) and null returned.
   */
  async personWith(req: FastifyRequest, reply: FastifyReply, roles: readonly Role[]): Promise<SignedInPerson | null> {
    const person = await this.people.of(req);
    if (!person) {
      await reply.header('cache-control', 'no-store').redirect('/sign-in', 303);
      return null;
    }
    if (!person.hasRole(...roles)) {
      this.send(reply, 403, 'problem.njk', {
        title: 'You cannot use this page',
        message: `This page is for people with the role ${roles.join(' or ')} at the gateway. Your organisation has not given you that role.`,
        back: { href: '/home', text: 'Go to your home page' },
      });
      return null;
    }
    return person;
  }

  /** The one answer for a request that does not exist, is not the person's to see, or whose id is not an id. */
  notFound(reply: FastifyReply, back: { href: string; text: string }): void {
    this.send(reply, 404, 'problem.njk', {
      title: 'Request not found',
      message: 'There is no request at this address that you can see. Check the address, or go back to the list.',
      back,
    });
  }

  /** A page sent with the pages' headers: HTML, never stored, the pages' CSP. */
  send(reply: FastifyReply, status: number, view: string, context: { title: string } & Record<string, unknown>): void {
    reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', PAGE_CSP)
      .send(this.pages.render(view, context));
  }
}
