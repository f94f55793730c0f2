import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { PreparedStatement } from '@shared/database/prepared.js';

interface Claim {
  issuer: string;
  jti: string;
  expiresAt: Date;
  resolve: (accepted: boolean) => void;
  reject: (e: unknown) => void;
}

/** Most claims written in one statement. */
const MAX_BATCH = 512;
const SWEEP_JOB = 'auth.replay-sweep';

const CLAIM = new PreparedStatement(
  'auth.claim-request-tokens',
  `INSERT INTO request_tokens (issuer, jti, expires_at)
   SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
   ON CONFLICT DO NOTHING RETURNING issuer, jti`,
);

/**
 * Remembers every accepted request token (`iss`, `jti`) until it expires. The row's primary key
 * makes a second use fail on every instance and after restarts; jose alone would accept a
 * token twice.
 *
 * Claims are group-committed: while one INSERT is in flight, new claims queue and go together in
 * the next, so a busy gateway pays one durable commit for many requests instead of one each. A
 * claim still resolves only after its row is committed, and a key repeated within one batch is
 * accepted once (the first) and refused for the rest.
 */
@Injectable()
export class ReplayStore implements OnModuleInit, OnModuleDestroy {
  private queue: Claim[] = [];
  private flushing = false;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  /** Records the token; false when it was already used. */
  claim(issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ issuer, jti, expiresAt, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        const first = new Map<string, Claim>();
        const repeats: Claim[] = [];
        for (const c of batch) {
          const key = `${c.issuer}\u0000${c.jti}`;
          if (first.has(key)) repeats.push(c);
          else first.set(key, c);
        }
        for (const c of repeats) c.resolve(false);
        const claims = [...first.values()];
        try {
          const rows = await CLAIM.rows<{ issuer: string; jti: string }>(this.db, [
            claims.map((c) => c.issuer),
            claims.map((c) => c.jti),
            claims.map((c) => c.expiresAt),
          ]);
          const inserted = new Set(rows.map((r) => `${r.issuer}\u0000${r.jti}`));
          for (const [key, c] of first) c.resolve(inserted.has(key));
        } catch (e) {
          for (const c of claims) c.reject(e);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Deletes rows whose token can no longer be accepted anyway (expired beyond the skew). */
  async sweep(): Promise<number> {
    const res: [unknown[], number] = await this.db.query(
      `DELETE FROM request_tokens WHERE ctid IN (SELECT ctid FROM request_tokens WHERE expires_at < now() - interval '2 minutes' LIMIT 10000)`,
    );
    return Array.isArray(res) ? Number(res[1] ?? 0) : 0;
  }

  onModuleInit(): void {
    scheduleEvery(this.scheduler, SWEEP_JOB, 60_000, () => void this.sweep().catch(() => undefined));
  }

  onModuleDestroy(): void {
    unschedule(this.scheduler, SWEEP_JOB);
  }
}
