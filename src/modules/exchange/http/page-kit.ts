import { sourcePath } from '@shared/core/source-root.js';
import { PersonPageKit, type PageLink, type SignedInPeople } from '@modules/people/index.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The exchange's pages: the shared page kit over this module's views, and the answer for nobody's request. */
export class PageKit extends PersonPageKit {
  constructor(demo: boolean, people: SignedInPeople) {
    super(people, demo, [sourcePath('modules/exchange/views/')]);
  }

  /** The one answer for a request that does not exist, is not the person's to see, or whose id is not an id. */
  notFound(reply: Parameters<PersonPageKit['send']>[0], back: PageLink): void {
    this.problem(
      reply,
      404,
      'Request not found',
      'There is no request at this address that you can see. Check the address, or go back to the list.',
      back,
    );
  }
}
