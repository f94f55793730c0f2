import { createHash } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { PreparedStatement } from '@shared/database/prepared.js';
import { ClaimReads, type ClaimRead } from '@shared/database/claim-reads.js';
import { StateCounters } from '@shared/database/state-counters.js';
import { requestContext, type RequestContext } from '@shared/observability/request-context.js';

interface Claim {
  issuer: string;
  jti: string;
  expiresAt: Date;
  /** The claim read this request asked for: its name and key (read only when the key has the read's form). */
  read: { name: string; key: string } | null;
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

type Counter = { name: string; sql: string };

/**
 * The claim statement, reading the registered state counters in its snapshot as columns c0, c1,
 * ... and each registered claim read, for the keys $4, $5, ... (one per claim, null where that
 * claim asks for none), as JSON in columns r0, r1, ...
 */
function claimStatement(counters: readonly Counter[], reads: readonly ClaimRead[]): PreparedStatement {
  const names = [...counters.map((c) => c.name), ...reads.map((r) => `r:${r.name}`)];
  if (!names.length) return new PreparedStatement('auth.claim-request-tokens', INSERT_CLAIMS);
  const columns = counters.map((c, i) => `(${c.sql}) AS c${i}`);
  const keys = reads.map((_, i) => `claim_key${i}`);
  // Names a read's SQL is unlikely to use itself: its unqualified names would resolve to these.
  const text = !reads.length
    ? `WITH claimed AS (${INSERT_CLAIMS}) SELECT issuer, jti, ${columns.join(', ')} FROM claimed`
    : `WITH claim_keys AS (SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], ${keys.map((_, i) => `$${i + 4}::text[]`).join(', ')})
                  AS claim_keys (issuer, jti, expires_at, ${keys.join(', ')})),
          claimed AS (INSERT INTO request_tokens (issuer, jti, expires_at) SELECT issuer, jti, expires_at FROM claim_keys
                       ON CONFLICT DO NOTHING RETURNING issuer, jti)
     SELECT claimed.issuer, claimed.jti, ${[...columns, ...reads.map((_, i) => `to_jsonb(claim_row${i}) AS r${i}`)].join(', ')}
       FROM claimed JOIN claim_keys ON claim_keys.issuer = claimed.issuer AND claim_keys.jti = claimed.jti
       ${reads.map((r, i) => `LEFT JOIN LATERAL (${r.sql.replaceAll('$key', `claim_keys.${keys[i]}`)}) claim_row${i} ON claim_keys.${keys[i]} IS NOT NULL`).join('\n       ')}`;
  // PostgreSQL keeps 63 bytes of a statement's name: a longer one is named by its text's digest.
  const name = ['auth.claim-request-tokens', ...names].join('+');
  return new PreparedStatement(
    name.length <= 63
      ? name
      : `auth.claim-request-tokens#${createHash('sha256').update(text).digest('hex').slice(0, 16)}`,
    text,
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
 * The statement also reads the registered state counters (StateCounters) and the rows the claims'
 * routes read with their claims (ClaimReads). It starts after every claim it carries was made, so
 * an accepted claim leaves in its request's context counters and a row that include every change
 * committed before the request arrived.
 */
@Injectable()
export class ReplayStore implements OnModuleInit, OnModuleDestroy {
  private queue: Claim[] = [];
  private flushing = false;
  private statement: { counters: readonly Counter[]; reads: readonly ClaimRead[]; claim: PreparedStatement } | null =
    null;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly counters: StateCounters,
    private readonly reads: ClaimReads,
  ) {}

  /**
   * Records the token; false when it was already used. `read` names the claim read the request
   * starts with and its key (see ClaimReads); a key not of the read's form reads nothing.
   */
  claim(issuer: string, jti: string, expiresAt: Date, read?: { name: string; key: unknown }): Promise<boolean> {
    const key = read ? this.reads.keyFor(read.name, read.key) : null;
    return new Promise((resolve, reject) => {
      this.queue.push({
        issuer,
        jti,
        expiresAt,
        read: read && key !== null ? { name: read.name, key } : null,
        context: requestContext.getStore(),
        resolve,
        reject,
      });
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
          const reads = this.reads.list();
          const rows = await this.claimStatement(counters, reads).rows<Record<string, unknown>>(this.db, [
            claims.map((c) => c.issuer),
            claims.map((c) => c.jti),
            claims.map((c) => c.expiresAt),
            ...reads.map((r) => claims.map((c) => (c.read?.name === r.name ? c.read.key : null))),
          ]);
          const inserted = new Map(rows.map((r) => [`${String(r.issuer)}\u0000${String(r.jti)}`, r]));
          // Every row carries the same counters (one snapshot); none when nothing was claimed.
          const seen = rows.length
            ? Object.fromEntries(counters.map((c, i) => [c.name, rows[0][`c${i}`] as string]))
            : null;
          for (const [key, c] of first) {
            const row = inserted.get(key);
            if (row && c.context) {
              if (seen) c.context.counters = seen;
              const i = c.read ? reads.findIndex((r) => r.name === c.read?.name) : -1;
              if (c.read && i >= 0) c.context.rows = { [c.read.name]: { key: c.read.key, row: row[`r${i}`] ?? null } };
            }
            c.resolve(row !== undefined);
          }
        } catch (e) {
          for (const c of claims) c.reject(e);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private claimStatement(counters: readonly Counter[], reads: readonly ClaimRead[]): PreparedStatement {
    if (this.statement?.counters !== counters || this.statement.reads !== reads)
      this.statement = { counters, reads, claim: claimStatement(counters, reads) };
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
