import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { AccessLogFilter } from '../../domain/access-log-reader.port.js';

/** CSV lines of the matching entries, produced as they are read. */
export class ExportAccessLogQuery extends Query<AsyncIterable<string>> {
  constructor(
    readonly principal: Principal,
    readonly filter: AccessLogFilter,
  ) {
    super();
  }
}
