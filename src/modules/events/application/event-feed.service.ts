import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { logActor, type Principal } from '@shared/auth/principal.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { toCloudEvent, type CloudEvent } from '../domain/event-envelope.js';
import { EventStore } from '../domain/event-store.port.js';
import { disclosureEntry, EventAudience } from './event-audience.js';

/**
 * GET /events?after=: the outbox through the same filter as webhooks, for partners that cannot
 * receive them. A page scans up to `limit` events and returns those the caller may see now;
 * `nextCursor` is past everything scanned, so filtered-out events never come back. Each event
 * that names a CRN is logged (durably) before the page leaves.
 */
@Injectable()
export class EventFeedService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'gatewayId'>,
    private readonly repo: EventStore,
    private readonly audience: EventAudience,
    private readonly log: AccessLogWriter,
  ) {}

  async page(p: Principal, after: string, limit: number): Promise<{ events: CloudEvent[]; nextCursor: string }> {
    const scanned = await this.repo.feed(after, limit);
    const events: CloudEvent[] = [];
    const now = new Date();
    for (const e of scanned) {
      const v = await this.audience.decide(p.org, e, now);
      if (!v.ok) continue;
      if (v.disclosure)
        await this.log.append({
          ...disclosureEntry(p.org, e, v.disclosure, 'pull feed', p.requestId),
          actor: logActor(p),
          jti: p.jti,
        });
      events.push(toCloudEvent(e, this.config.gatewayId));
    }
    return { events, nextCursor: scanned.length ? scanned[scanned.length - 1].seq : after };
  }
}
