import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { policyFilesHash } from '@shared/crypto/policy-files-hash.js';
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
 *
 * In the gateway every entry names the policy version in force: the content hash of the policy
 * files, which the policy engine loads once at start-up, so it is the version that decided.
 */
@Injectable()
export class AccessLogWriter {
  private readonly policyVersion: string | undefined;

  constructor(
    private readonly sequencer: LogSequencer,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.policyVersion = config ? policyFilesHash(config.policiesDir) : undefined;
  }

  async append(entry: AccessLogEntryInput): Promise<AccessLogReceipt> {
    const prepared = prepareEntry(this.policyVersion && !entry.policyVersion ? { ...entry, policyVersion: this.policyVersion } : entry);
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
