import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AccessLogSearch, type EntryRead } from '../../application/access-log.search.js';
import { AccessLogException, AccessLogExceptionCode } from '../../domain/access-log.exception.js';
import { GetAccessLogEntryQuery } from './get-access-log-entry.query.js';

/** An entry outside the reviewer's scope is 404, like one that does not exist. */
@QueryHandler(GetAccessLogEntryQuery)
export class GetAccessLogEntryHandler implements IQueryHandler<GetAccessLogEntryQuery> {
  constructor(private readonly search: AccessLogSearch) {}

  async execute(q: GetAccessLogEntryQuery): Promise<EntryRead> {
    const read = await this.search.entry(q.principal, q.index);
    if (!read)
      throw new AccessLogException(AccessLogExceptionCode.EntryNotFound, `Access-log entry ${q.index} was not found.`);
    return read;
  }
}
