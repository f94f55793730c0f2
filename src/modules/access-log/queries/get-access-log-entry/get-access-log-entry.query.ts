import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';

/** The stored canonical bytes of one entry. */
export class GetAccessLogEntryQuery extends Query<Buffer> {
  constructor(
    readonly principal: Principal,
    readonly index: number,
  ) {
    super();
  }
}
