import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AccessLogSearch, type SubjectAccessReport } from '../../application/access-log.search.js';
import { GetSubjectAccessReportQuery } from './get-subject-access-report.query.js';

@QueryHandler(GetSubjectAccessReportQuery)
export class GetSubjectAccessReportHandler implements IQueryHandler<GetSubjectAccessReportQuery> {
  constructor(private readonly search: AccessLogSearch) {}

  execute(q: GetSubjectAccessReportQuery): Promise<SubjectAccessReport> {
    return this.search.subjectReport(q.principal, q.crn, q.page);
  }
}
