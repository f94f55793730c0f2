import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { EntryRead } from '../../application/access-log.search.js';

/** One entry as the reviewer may read it: its stored canonical bytes, or their projection. */
export class GetAccessLogEntryQuery extends Query<EntryRead> {
  constructor(
    readonly principal: Principal,
    readonly index: number,
  ) {
    super();
  }
}
