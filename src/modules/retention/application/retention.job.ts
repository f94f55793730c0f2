import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { links, recordEvents } from '@shared/events/index.js';
import type { Transaction } from '@shared/database/transaction.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { AccessLogWriter, type AccessLogEntryInput, type LogIntent } from '@modules/access-log/index.js';
import { CaseRepository } from '@modules/cases/index.js';
import { PER_ITEM_KINDS, ruleFor, type RetentionKind } from '../domain/retention-schedule.js';
import { RetentionStore, type DueItem } from '../domain/retention.store.port.js';
import { RetentionScheduleService } from '../retention-schedule.service.js';

const RETENTION_JOB = 'retention.review';
/** Most items of one kind erased by one run, so a run's transaction stays short (the next run takes the rest). */
const ITEMS_PER_RUN = 500;
const BULK_KINDS = ['person-session', 'ig-session', 'replay-token'] as const;

/** What one run erased: how many of each kind. */
export type RetentionRun = Record<RetentionKind, number>;

/**
 * Reviews the data against the retention schedule and erases what is due at `now` (the clock is
 * a parameter, so tests move past each period). One instance at a time runs it (a transaction-
 * scoped advisory lock; another instance skips that run), and every erasure happens in that
 * transaction with its access-log entry queued beside it: they commit or roll back together, and
 * a second run finds nothing left to erase. Entries name the kind, the item's id, its CRN where
 * it has one, the organisation whose data it was and the rule: no other personal data. Sessions
 * and replay tokens are logged as one entry per organisation and kind with the count. An erased
 * case record's recipients (the organisations the log shows received any of its fields) get
 * `case.erased`, as after an erasure by the managing organisation.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: RetentionStore,
    private readonly cases: CaseRepository,
    private readonly log: AccessLogWriter,
    private readonly schedule: RetentionScheduleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: JsonLogger,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    scheduleEvery(this.scheduler, RETENTION_JOB, this.config.retentionIntervalMs, () => {
      this.running = this.review().catch((e: unknown) =>
        this.logger.warn(`retention review failed: ${e instanceof Error ? e.message : String(e)}`, 'RetentionJob'),
      );
    });
  }

  async onModuleDestroy(): Promise<void> {
    unschedule(this.scheduler, RETENTION_JOB);
    await this.running;
  }

  /** One review at `now`: what it erased, or null when another instance was running one. */
  async review(now = new Date()): Promise<RetentionRun | null> {
    const requestId = `retention-${randomUUID()}`;
    const done = await this.store.exclusively(async (tx) => {
      const run = Object.fromEntries([...PER_ITEM_KINDS, ...BULK_KINDS].map((k) => [k, 0])) as RetentionRun;
      const intents: LogIntent[] = [];
      for (const kind of PER_ITEM_KINDS) {
        for (const item of await this.store.due(tx, kind, this.schedule.days(kind), now, { limit: ITEMS_PER_RUN })) {
          // Those the log shows received any field of an erased case are told, as after an erasure by its manager.
          const told = kind === 'case-record' ? await this.cases.recipientsOf(tx, item.id, null, item.org) : [];
          if (!(await this.erase(tx, kind, item))) continue;
          run[kind]++;
          intents.push(await this.log.enqueue(tx, this.entry(kind, item.org, requestId, item, told)));
          if (told.length)
            await recordEvents(tx, [
              { type: 'case.erased', subject: item.id, parties: told, link: links.case(item.id) },
            ]);
        }
      }
      for (const kind of BULK_KINDS) {
        for (const [org, n] of await this.store.eraseDueInBulk(tx, kind, this.schedule.days(kind), now)) {
          run[kind] += n;
          intents.push(await this.log.enqueue(tx, this.entry(kind, org, requestId, null, [], n)));
        }
      }
      return { run, intents };
    });
    if (!done) return null;
    // A null receipt leaves the committed intent queued: the log's sweeper integrates it later.
    for (const intent of done.intents) await this.log.integrate(intent);
    return done.run;
  }

  private erase(tx: Transaction, kind: RetentionKind, item: DueItem): Promise<boolean> {
    if (kind === 'case-record') return this.cases.erase(tx, item.id);
    if (kind === 'assessment') return this.cases.eraseAssessment(tx, item.crn as string, item.id);
    return this.store.eraseExchangeRequest(tx, item.id);
  }

  private entry(
    kind: RetentionKind,
    org: string,
    requestId: string,
    item: DueItem | null,
    told: readonly string[],
    count?: number,
  ): AccessLogEntryInput {
    const rule = ruleFor(this.schedule.schedule, kind, org);
    return {
      actor: { org: 'gateway', sub: 'system:retention', roles: [] },
      action: 'retention.erase',
      resource: { type: kind, id: item ? item.id : org },
      crn: item?.crn ?? null,
      reason: item ? `due ${item.dueAt.toISOString()} under ${rule.id}` : `${String(count)} erased under ${rule.id}`,
      decision: 'ALLOW',
      reasons: [
        `retention rule ${rule.id} (${this.schedule.schedule.versions.join(', ')})`,
        ...told.map((o) => `recipient told: ${o}`),
      ],
      ownerOrg: org,
      recipientOrg: null,
      requestId,
    };
  }
}
