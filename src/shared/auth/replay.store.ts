import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { PreparedStatement } from '@shared/database/prepared.js';
import { StateCounters } from '@shared/database/state-counters.js';
import { requestContext, type RequestContext } from '@shared/observability/request-context.js';

interface Claim {
  issuer: string;
  jti: string;
  expiresAt: Date;
  /** The claiming request's context, which an accepted claim tells what its statement read. */
  context: RequestContext | undefined;
  resolve: (accepted: boolean) => void;
  reject: (e: unknown) => void;
}

/** Most claims written in one statement. */
const MAX_BATCH = 512;
const SWEEP_JOB = 'auth.replay-sweep';

const INSERT_CLAIMS = `INSERT INTO request_tokens (issuer, jti, expires_at)
   SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
   ON CONFLICT DO NOTHING RETURNING issuer, jti`;

/** The claim statement, reading the registered state counters in its snapshot as columns c0, c1, ... */
function claimStatement(counters: readonly { name: string; sql: string }[]): PreparedStatement {
  if (!counters.length) return new PreparedStatement('auth.claim-request-tokens', INSERT_CLAIMS);
  return new PreparedStatement(
    `auth.claim-request-tokens+${counters.map((c) => c.name).join('+')}`,
    `WITH claimed AS (${INSERT_CLAIMS})
     SELECT issuer, jti, ${counters.map((c, i) => `(${c.sql}) AS c${i}`).join(', ')} FROM claimed`,
  );
}

/**
 * Remembers every accepted request token (`iss`, `jti`) until it expires. The row's primary key
 * makes a second use fail on every instance and after restarts; jose alone would accept a
 * token twice.
 *
 * Claims are group-committed: while one INSERT is in flight, new claims queue and go together in
 * the next, so a busy gateway pays one durable commit for many requests instead of one each. A
 * claim still resolves only after its row is committed, and a key repeated within one batch is
 * accepted once (the first) and refused for the rest.
 *
 * The statement also reads the registered state counters (StateCounters). It starts after every
 * claim it carries was made, so an accepted claim leaves in its request's context counters that
 * include every change committed before the request arrived.
 */
@Injectable()
export class ReplayStore implements OnModuleInit, OnModuleDestroy {
  private queue: Claim[] = [];
  private flushing = false;
  private statement: { of: readonly { name: string; sql: string }[]; claim: PreparedStatement } | null = null;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly counters: StateCounters,
  ) {}

  /** Records the token; false when it was already used. */
  claim(issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ issuer, jti, expiresAt, context: requestContext.getStore(), resolve, reject });
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
          const counters = this.counters.list();
          const rows = await this.claimStatement(counters).rows<Record<string, string>>(this.db, [
            claims.map((c) => c.issuer),
            claims.map((c) => c.jti),
            claims.map((c) => c.expiresAt),
          ]);
          const inserted = new Set(rows.map((r) => `${r.issuer}\u0000${r.jti}`));
          // Every row carries the same counters (one snapshot); none when nothing was claimed.
          const seen = rows.length ? Object.fromEntries(counters.map((c, i) => [c.name, rows[0][`c${i}`]])) : null;
          for (const [key, c] of first) {
            const accepted = inserted.has(key);
            if (accepted && seen && c.context) c.context.counters = seen;
            c.resolve(accepted);
          }
        } catch (e) {
          for (const c of claims) c.reject(e);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private claimStatement(counters: readonly { name: string; sql: string }[]): PreparedStatement {
    if (this.statement?.of !== counters) this.statement = { of: counters, claim: claimStatement(counters) };
    return this.statement.claim;
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
