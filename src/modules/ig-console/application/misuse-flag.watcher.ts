import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import type { Principal } from '@shared/auth/principal.js';
import { links, recordEventOnce } from '@shared/events/index.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { MisuseFlagsService } from './misuse-flags.service.js';

/** How often the watcher looks for new misuse flags, and how far back each pass looks. */
export const FLAG_SWEEP_INTERVAL_MS = 5 * 60_000;
const LOOKBACK_MS = 2 * 3_600_000;

/**
 * Raises `misuse-flag.raised` (to the organisation whose IG's view of the log raises the flag:
 * its IG is e-mailed, its webhooks hear of it; subject `<organisation>/<flag id>`) once per
 * organisation and flag id, whichever instance or pass sees it first (recordEventOnce). Each
 * pass computes every active organisation's flags over the last two hours of the log with the
 * console's own rules, as that organisation's IG would see them. A flag whose evidence
 * straddles the start of that window can be computed with another first entry on a later pass,
 * and so raised again under another id.
 *
 * The timer runs only where e-mail is on (SMTP_URL): telling IG staff is what it is for; without
 * e-mail, flags stay in the console as before.
 */
@Injectable()
export class MisuseFlagWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'events'>,
    private readonly flags: MisuseFlagsService,
    private readonly orgs: OrganisationDirectory,
    private readonly db: DataSource,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.events.email.smtpUrl) return;
    this.timer = setInterval(() => {
      this.running = this.sweep().catch((e: unknown) =>
        this.logger.warn(
          `misuse flag sweep failed: ${e instanceof Error ? e.message : String(e)}`,
          'MisuseFlagWatcher',
        ),
      );
    }, FLAG_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass at `now`; returns how many events it raised. */
  async sweep(now = new Date()): Promise<number> {
    const range = { from: new Date(now.getTime() - LOOKBACK_MS), to: now };
    let raised = 0;
    for (const o of await this.orgs.list()) {
      if (o.status !== 'ACTIVE') continue;
      const flags = await this.flags.raised(reviewerOf(o.id, o.kind), range);
      if (!flags.length) continue;
      raised += await this.db.transaction(async (tx) => {
        let n = 0;
        for (const f of flags) {
          // The same flag id can arise in several organisations' views (actor's and owner's): one event each.
          const subject = `${o.id}/${f.id}`;
          const event = { type: 'misuse-flag.raised' as const, subject, parties: [o.id], link: links.misuseFlags() };
          if (await recordEventOnce(tx, event, new Date(f.from))) n++;
        }
        return n;
      });
    }
    return raised;
  }
}

/** The organisation's IG as the watcher acts for it: the scope of its reviewers' view of the log. */
function reviewerOf(org: string, orgKind: Principal['orgKind']): Principal {
  return {
    org,
    orgKind,
    sub: 'system:misuse-flag-watcher',
    roles: ['ig-reviewer'],
    claimedRoles: ['ig-reviewer'],
    attrs: {},
    reason: undefined,
    breakGlass: false,
    jti: '',
    requestId: '',
  };
}
