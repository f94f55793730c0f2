import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';

/**
 * The signed response bundle, byte for byte as stored, for the requester only. Each fetch is a
 * read of case data and writes one access-log entry (allowed or denied) before the answer.
 */
export class GetExchangeResponseQuery extends Query<string> {
  constructor(
    readonly principal: Principal,
    readonly id: string,
  ) {
    super();
  }
}
