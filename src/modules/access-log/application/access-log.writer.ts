import { Injectable } from '@nestjs/common';
import type { AccessLogEntryInput, AccessLogReceipt } from '../domain/access-log-entry.js';
import { UnavailableException } from '@shared/errors/index.js';
import { ACCESS_LOG_UNAVAILABLE } from '../domain/access-log.exception.js';
import { prepareEntry } from '../domain/prepared-entry.js';
import { LogSequencer, SequencerError } from './log-sequencer.js';

/**
 * The one way into the access log, called inside the request path: release data only after
 * append() resolves. It resolves once the entry is committed (durable), and throws
 * UnavailableException `access_log_unavailable` (503) when it cannot be, so the caller fails
 * closed. It is deliberately not an event handler: events are not awaited and cannot fail the
 * request.
 *
 * An entry the caller built wrongly (a bug, not client input) throws InvalidAccessLogEntryError.
 */
@Injectable()
export class AccessLogWriter {
  constructor(private readonly sequencer: LogSequencer) {}

  async append(entry: AccessLogEntryInput): Promise<AccessLogReceipt> {
    const prepared = prepareEntry(entry);
    try {
      return await this.sequencer.append(prepared);
    } catch (e) {
      throw new UnavailableException(ACCESS_LOG_UNAVAILABLE, unavailableDetail(e));
    }
  }
}

function unavailableDetail(e: unknown): string {
  const reason = e instanceof SequencerError ? e.reason : 'write_failed';
  switch (reason) {
    case 'overloaded':
      return 'The access log is overloaded; nothing was released. Retry shortly.';
    case 'closed':
      return 'The gateway is shutting down; nothing was released.';
    default:
      return 'The access log cannot be written; nothing was released. Retry shortly.';
  }
}
