import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AccessLogSearch, type AccessLogPage } from '../../application/access-log.search.js';
import { SearchAccessLogQuery } from './search-access-log.query.js';

@QueryHandler(SearchAccessLogQuery)
export class SearchAccessLogHandler implements IQueryHandler<SearchAccessLogQuery> {
  constructor(private readonly search: AccessLogSearch) {}

  execute(q: SearchAccessLogQuery): Promise<AccessLogPage> {
    return this.search.search(q.principal, q.filter, q.page);
  }
}
