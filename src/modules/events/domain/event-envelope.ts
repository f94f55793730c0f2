import type { EventType } from '@shared/events/index.js';

/** An outbox row as read back. */
export interface StoredEvent {
  seq: string;
  id: string;
  type: EventType;
  subject: string;
  crn: string | null;
  parties: string[];
  link: string;
  occurredAt: Date;
  /** Persons the event concerns (`<org>/<sub>`), read only for e-mail. */
  people?: string[];
}

/** The CloudEvents 1.0 structured JSON of a thin event: identifiers and a link, never case content. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  type: EventType;
  source: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: { crn?: string; agreementId?: string; requestId?: string; href: string };
}

export function toCloudEvent(e: StoredEvent, gatewayId: string): CloudEvent {
  const data: CloudEvent['data'] = { href: e.link };
  if (e.crn) data.crn = e.crn;
  else if (e.type.startsWith('agreement.')) data.agreementId = e.subject;
  else if (e.type.startsWith('exchange-request.')) data.requestId = e.subject;
  return {
    specversion: '1.0',
    id: e.id,
    type: e.type,
    source: `urn:probation-gateway:${gatewayId}`,
    subject: e.subject,
    time: e.occurredAt.toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

/** Exponential backoff with equal jitter: half the doubled delay, plus up to the other half at random. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}
