import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type pg from 'pg';
import { DataSource, type EntitySubscriberInterface, type TransactionCommitEvent } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { connectPg, connectionStringOf } from '@shared/database/pg-connection.js';
import { preparesStatements } from '@shared/database/prepared.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { EVENTS_RECORDED } from './outbox.js';

/** Most events one publication moves; a fuller queue takes several, one after the other. */
const MAX_ROWS = 1000;
/** How often every instance publishes whatever is pending (a change whose own publication failed, or whose instance stopped first). */
const SWEEP_MS = 1000;
const SWEEP_JOB = 'events.publish-pending';
const PUBLISH = `SELECT event_outbox_publish_pending($1) AS moved`;

/**
 * Publishes committed events: moves them from event_outbox_pending into event_outbox, where
 * subscriptions and the pull feed read them in `seq` order (event_outbox_publish_pending, see the
 * OutboxPublishedAfterCommit migration: one publisher at a time across instances, rows visible in
 * `seq` order).
 *
 * A transaction that recorded events (recordEvents marks it) is published as it commits, before
 * its commit() returns, so a change's answer is sent only once its events are in the outbox. A
 * change made by one statement of its own calls publish() itself. Publications are coalesced:
 * callers arriving while one runs share the next, which begins after the running one ends, so
 * each caller's committed events are moved by a publication that began after its call.
 *
 * Publication runs on a connection of its own, never the pool's, so changes holding pooled
 * connections while they wait for it cannot starve it. It never fails the change (already
 * committed): a failure is logged and the events stay pending until a later publication, which
 * every instance also runs each second.
 */
@Injectable()
export class OutboxPublisher implements EntitySubscriberInterface, OnModuleInit, OnApplicationShutdown {
  private client: pg.Client | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'dbStatementTimeoutMs'>,
    private readonly logger: JsonLogger,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    this.db.subscribers.push(this);
    scheduleEvery(this.scheduler, SWEEP_JOB, SWEEP_MS, () => void this.publish());
  }

  async onApplicationShutdown(): Promise<void> {
    unschedule(this.scheduler, SWEEP_JOB);
    // Changes committing while the application stops still get their publication.
    while (this.next ?? this.running) await (this.next ?? this.running);
    this.closed = true;
    const i = this.db.subscribers.indexOf(this);
    if (i >= 0) this.db.subscribers.splice(i, 1);
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  /** TypeORM, after a COMMIT (or a savepoint's release): publishes when a transaction that recorded events has ended. */
  afterTransactionCommit(event: TransactionCommitEvent): Promise<void> | undefined {
    const data = event.queryRunner.data as Record<string, unknown> | undefined;
    if (!data?.[EVENTS_RECORDED] || event.queryRunner.isTransactionActive) return undefined;
    delete data[EVENTS_RECORDED];
    return this.publish();
  }

  /** Resolves once a publication that began after this call has ended (moved what it saw, or failed and logged why). */
  publish(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.next) return this.next;
    if (!this.running) return (this.running = this.run());
    // The running publication may have taken its snapshot before the caller's commit.
    return (this.next = this.running.then(() => {
      this.next = undefined;
      return (this.running = this.run());
    }));
  }

  private async run(): Promise<void> {
    try {
      const client = (this.client ??= await this.connect());
      let moved: number;
      do {
        const { rows } = await client.query<{ moved: number }>({
          ...(preparesStatements(this.db) ? { name: 'events.publish' } : {}),
          text: PUBLISH,
          values: [MAX_ROWS],
        });
        moved = rows[0].moved;
      } while (moved === MAX_ROWS);
    } catch (e) {
      this.logger.warn(`events stay pending until the next publication: ${(e as Error).message}`, 'OutboxPublisher');
      const broken = this.client;
      this.client = undefined;
      await broken?.end().catch(() => undefined);
    } finally {
      this.running = undefined;
    }
  }

  private async connect(): Promise<pg.Client> {
    // The pool's limits: a server that stops answering fails the publication (the events stay
    // pending) instead of holding every change that waits for it.
    const client = await connectPg(connectionStringOf(this.db), {
      application_name: 'probation-gateway (outbox publisher)',
      connectionTimeoutMillis: 3000,
      statement_timeout: this.config.dbStatementTimeoutMs,
      query_timeout: this.config.dbStatementTimeoutMs + 1000,
      keepAlive: true,
    });
    client.on('error', () => {
      if (this.client === client) this.client = undefined;
    });
    return client;
  }
}
