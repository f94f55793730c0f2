import { links, type OutboxEvent } from '@shared/events/index.js';
import type { ExchangeRequest, ExchangeStatus } from '../domain/exchange-request.js';

/**
 * The thin outbox events of a request's transition from `from` (null: just submitted) to its
 * current status. The audience is the two parties; the events name the request, never its CRN.
 */
export function exchangeEvents(from: ExchangeStatus | null, r: ExchangeRequest): OutboxEvent[] {
  const to = r.status;
  const event = (type: OutboxEvent['type']) => exchangeEvent(type, r.id, r.state);
  const events: OutboxEvent[] = [];
  if (from === null) events.push(event('exchange-request.received'));
  // Decided: approved, refused or expired (also when the gateway closes an approved request), or released straight from submission.
  if (
    to !== from &&
    (to === 'APPROVED' ||
      to === 'REFUSED' ||
      to === 'EXPIRED' ||
      (to === 'FULFILLED' && (from === null || from === 'SUBMITTED')))
  )
    events.push(event('exchange-request.decided'));
  if (to === 'FULFILLED' && from !== 'FULFILLED') events.push(event('exchange-request.fulfilled'));
  return events;
}

/** One thin event about request `id`, for its two parties. */
export function exchangeEvent(
  type: OutboxEvent['type'],
  id: string,
  parties: { requester: string; provider: string },
): OutboxEvent {
  return { type, subject: id, parties: [parties.requester, parties.provider], link: links.exchangeRequest(id) };
}
