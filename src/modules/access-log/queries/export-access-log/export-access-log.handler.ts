import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AccessLogSearch } from '../../application/access-log.search.js';
import { ExportAccessLogQuery } from './export-access-log.query.js';

@QueryHandler(ExportAccessLogQuery)
export class ExportAccessLogHandler implements IQueryHandler<ExportAccessLogQuery> {
  constructor(private readonly search: AccessLogSearch) {}

  execute(q: ExportAccessLogQuery): Promise<AsyncIterable<string>> {
    return this.search.exportCsv(q.principal, q.filter);
  }
}
