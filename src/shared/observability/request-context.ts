import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of a request carries. Never tokens, keys or case data. */
export interface RequestContext {
  requestId: string;
  /** The W3C trace id the request belongs to (continued from its traceparent, or new). */
  traceId?: string;
  org?: string;
  actor?: string;
  /** Shared-state counters this request's token claim read (see StateCounters); never logged. */
  counters?: Readonly<Record<string, string>>;
  /** The row this request's token claim read for it, by read name (see ClaimReads), until taken; never logged. */
  rows?: Record<string, { key: string; row: unknown }>;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
