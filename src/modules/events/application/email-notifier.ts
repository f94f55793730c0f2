import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { emailsFor, MAILED_TYPES } from '../domain/email-message.js';
import { backoffMs } from '../domain/event-envelope.js';
import { EmailQueue } from '../domain/event-store.port.js';

/** Messages one instance sends per pass, one SMTP conversation at a time. */
const SEND_BATCH = 20;
/** Bound on each SMTP step (connect, greeting, each command), so a dead server costs one pass at most this. */
const SMTP_TIMEOUT_MS = 10_000;
const LEASE_MS = SEND_BATCH * 3 * SMTP_TIMEOUT_MS;
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 3_600_000;
const EMAIL_JOB = 'events.email';

/**
 * E-mail to people, driven by the event outbox (issue 16): a data owner when an exchange request
 * arrives and when it is due soon, a party's signatories when a version awaits their signature,
 * an organisation's IG when a misuse flag is raised for its review and as the ICO deadline of a
 * breach in its register nears and passes.
 * Off unless SMTP_URL is set. Each pass, on every instance: queue the messages of the events
 * after the e-mail cursor (one instance at a time, see EmailQueue.plan), then send due
 * messages under a lease. At least once: a crash between the SMTP server's acceptance and the
 * `sent_at` update sends that message again, with the same Message-ID.
 */
@Injectable()
export class EmailNotifier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly owner = randomUUID();
  private running: Promise<unknown> = Promise.resolve();
  private busy = false;
  private transport?: Transporter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'events' | 'gatewayId'>,
    private readonly repo: EmailQueue,
    private readonly logger: JsonLogger,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const { smtpUrl, pollMs } = this.config.events.email;
    if (!smtpUrl) return;
    this.transport = createTransport({
      url: smtpUrl,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    });
    scheduleEvery(this.scheduler, EMAIL_JOB, pollMs, () => {
      if (this.busy) return;
      this.busy = true;
      this.running = this.pass()
        .catch((e: unknown) =>
          this.logger.warn(`e-mail pass failed: ${e instanceof Error ? e.message : String(e)}`, 'EmailNotifier'),
        )
        .finally(() => (this.busy = false));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    unschedule(this.scheduler, EMAIL_JOB);
    await this.running;
    this.transport?.close();
  }

  /** Queues what the new events call for, then sends what is due; answers how many were sent. */
  async pass(): Promise<number> {
    if (!this.transport) return 0;
    const { email } = this.config.events;
    await this.repo.plan(MAILED_TYPES, (e) => emailsFor(e, email));
    let sent = 0;
    for (const m of await this.repo.claim(this.owner, SEND_BATCH, LEASE_MS)) {
      try {
        await this.transport.sendMail({
          from: email.from,
          to: m.recipient,
          subject: m.subject,
          text: m.body,
          messageId: `<${m.id}@${this.config.gatewayId}>`,
        });
        await this.repo.sent(this.owner, m.id);
        sent++;
      } catch (e) {
        const n = m.attempts + 1;
        const error = e instanceof Error ? e.message : String(e);
        await this.repo.failed(
          this.owner,
          m.id,
          error,
          backoffMs(n, RETRY_BASE_MS, RETRY_MAX_MS),
          n >= email.maxAttempts,
        );
        this.logger.warn(`e-mail ${m.id} not sent (attempt ${n}): ${error}`, 'EmailNotifier');
      }
    }
    return sent;
  }
}
