import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { policyFilesHash } from '@shared/crypto/policy-files-hash.js';
import { PreparedStatement } from '@shared/database/prepared.js';
import type { AccessLogEntryInput, AccessLogReceipt } from '../domain/access-log-entry.js';
import { UnavailableException } from '@shared/errors/index.js';
import { ACCESS_LOG_UNAVAILABLE } from '../domain/access-log.exception.js';
import { prepareEntry, type PreparedEntry } from '../domain/prepared-entry.js';
import { LogSequencer, SequencerError } from './log-sequencer.js';

/** Runs SQL on the caller's open transaction (a TypeORM EntityManager inside `transaction()` is one). */
export interface TransactionSql {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/** A change's log entry, queued by the change's transaction and not yet in the tree. */
export interface LogIntent {
  readonly id: string;
  readonly prepared: PreparedEntry;
}

/** A change's entry prepared to be queued by the change's own statement (see intentOfChangeSql). */
export interface PendingIntent {
  readonly prepared: PreparedEntry;
  /** The value of intentOfChangeSql's parameter. */
  readonly param: string;
}

const ENQUEUE = new PreparedStatement(
  'access-log.enqueue',
  `INSERT INTO access_log_queue (entry) VALUES ($1::json) RETURNING id::text AS id`,
);

/**
 * The member of a change made by one statement of its own (a data-modifying `WITH`, committed
 * alone) that queues its log intent: the entry from that statement's parameter `$param`
 * (PendingIntent.param), queued once for each row its member `changed` returned (so once, or
 * not at all when nothing changed), and answering the intent's `id`. The caller then has the
 * LogIntent `{ id, prepared }` to integrate, exactly as after enqueue().
 */
export function intentOfChangeSql(param: number, changed: string): string {
  return `INSERT INTO access_log_queue (entry) SELECT $${param}::json FROM ${changed} RETURNING id::text AS id`;
}

/**
 * The one way into the access log. Two ways in, for two kinds of event:
 *
 * - A release of data (a read): append() resolves once the entry is committed (durable), and
 *   throws UnavailableException `access_log_unavailable` (503) when it cannot be, so the caller
 *   releases nothing. Call it before the data leaves.
 * - A change: enqueue() writes the entry as a log intent inside the change's own transaction, so
 *   the change and its intent commit or roll back together; after the commit, integrate() has
 *   the sequencer put it into the tree and resolves with its receipt. If that fails, the intent
 *   stays queued and a sweeper (LogIntentSweeper, on every instance) integrates it later: a
 *   committed change always gets its entry, and a change that rolled back never has one.
 *
 * Deliberately not an event handler: events are not awaited and cannot fail the request.
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
    const prepared = this.prepare(entry);
    try {
      return await this.sequencer.append(prepared);
    } catch (e) {
      throw new UnavailableException(ACCESS_LOG_UNAVAILABLE, unavailableDetail(e));
    }
  }

  /** Queues the change's entry in the change's transaction `tx` (before its commit). */
  async enqueue(tx: TransactionSql, entry: AccessLogEntryInput): Promise<LogIntent> {
    const { prepared, param } = this.pending(entry);
    const rows = await ENQUEUE.rows<{ id: string }>(tx, [param]);
    return { id: rows[0].id, prepared };
  }

  /** The change's entry for a change that queues it in its own statement (intentOfChangeSql). */
  pending(entry: AccessLogEntryInput): PendingIntent {
    const prepared = this.prepare(entry);
    return { prepared, param: JSON.stringify({ head: prepared.head, tail: prepared.tail, columns: prepared.columns }) };
  }

  /** Both ways in name the policy version in force, unless the caller named one. */
  private prepare(entry: AccessLogEntryInput): PreparedEntry {
    return prepareEntry(
      this.policyVersion && !entry.policyVersion ? { ...entry, policyVersion: this.policyVersion } : entry,
    );
  }

  /**
   * After the change committed: integrates its intent and resolves with the entry's receipt, or
   * with null when that cannot be done now (the log is unavailable or overloaded). Null never
   * means the entry is lost: the intent committed with the change and the sweeper integrates it.
   */
  async integrate(intent: LogIntent): Promise<AccessLogReceipt | null> {
    try {
      return await this.sequencer.append({ ...intent.prepared, intentId: intent.id });
    } catch {
      return null;
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
