import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { AccessLogFilter } from '../../infrastructure/access-log.repository.js';

/** CSV lines of the matching entries, produced as they are read. */
export class ExportAccessLogQuery extends Query<AsyncIterable<string>> {
  constructor(
    readonly principal: Principal,
    readonly filter: AccessLogFilter,
  ) {
    super();
  }
}
