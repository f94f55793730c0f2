import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { AccessLogPage } from '../../application/access-log.search.js';
import type { AccessLogFilter } from '../../domain/access-log-reader.port.js';

export class SearchAccessLogQuery extends Query<AccessLogPage> {
  constructor(
    readonly principal: Principal,
    readonly filter: AccessLogFilter,
    readonly page: { cursor?: number; limit: number },
  ) {
    super();
  }
}
