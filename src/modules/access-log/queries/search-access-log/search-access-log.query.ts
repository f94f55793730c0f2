import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { AccessLogPage } from '../../application/access-log.search.js';
import type { AccessLogFilter } from '../../infrastructure/access-log.repository.js';

export class SearchAccessLogQuery extends Query<AccessLogPage> {
  constructor(
    readonly principal: Principal,
    readonly filter: AccessLogFilter,
    readonly page: { cursor?: number; limit: number },
  ) {
    super();
  }
}
