import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';

/**
 * Remembers every accepted request token (`iss`, `jti`) until it expires. The row's primary key
 * makes a second use fail on every instance and after restarts; jose alone would accept a
 * token twice.
 */
@Injectable()
export class ReplayStore implements OnModuleInit, OnModuleDestroy {
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Records the token; false when it was already used. */
  async claim(issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO request_tokens (issuer, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
      [issuer, jti, expiresAt],
    );
    return rows.length === 1;
  }

  /** Deletes rows whose token can no longer be accepted anyway (expired beyond the skew). */
  async sweep(): Promise<number> {
    const res: [unknown[], number] = await this.db.query(
      `DELETE FROM request_tokens WHERE ctid IN (SELECT ctid FROM request_tokens WHERE expires_at < now() - interval '2 minutes' LIMIT 10000)`,
    );
    return Array.isArray(res) ? Number(res[1] ?? 0) : 0;
  }

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), 60_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }
}
