import { parseRfc3339 } from '@shared/domain/rfc3339.js';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ValidationException } from '@shared/errors/index.js';
import { ExchangeRequestRepository } from '../../domain/exchange-request.repository.port.js';
import { toResponse, type ExchangeRequestPage } from '../exchange-request.response.js';
import { ListExchangeRequestsQuery } from './list-exchange-requests.query.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keyset pagination on (submittedAt, id), so a page never skips or repeats a row as requests arrive. */
@QueryHandler(ListExchangeRequestsQuery)
export class ListExchangeRequestsHandler implements IQueryHandler<ListExchangeRequestsQuery, ExchangeRequestPage> {
  constructor(private readonly repo: ExchangeRequestRepository) {}

  async execute({ principal: p, filter: f }: ListExchangeRequestsQuery): Promise<ExchangeRequestPage> {
    const now = new Date();
    const limit = f.limit ?? 50;
    const rows = await this.repo.list({
      org: p.org,
      direction: f.direction ?? 'both',
      status: f.status,
      submittedBy: f.submittedBy,
      overdue: f.overdue === undefined ? undefined : f.overdue === 'true',
      now,
      after: f.cursor ? decodeCursor(f.cursor) : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toResponse(r, now)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.state.submittedAt, last.id) : null,
    };
  }
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { submittedAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    // Strictly, as encodeCursor writes it: Date would also read instants PostgreSQL cannot hold.
    const submittedAt = typeof at === 'string' ? parseRfc3339(at) : null;
    if (submittedAt && typeof id === 'string' && UUID.test(id)) return { submittedAt, id };
  } catch {
    // fall through
  }
  throw new ValidationException([{ field: 'cursor', message: 'is not a nextCursor value of this list' }]);
}
