import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDataSource } from '../../../src/data-source.js';
import { pgCtl, startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/shared/database/embedded-postgres.js';
import { runMigrations } from '../../../src/shared/database/migrate.js';
import { getFreePort } from '../../../bench/lib/spawn.js';

/**
 * A PostgreSQL server of the test's own (not the jest run's shared one), durable as in
 * production (fsync on), migrated, that the test can stop hard and start again.
 */
export class DedicatedPostgres {
  private constructor(
    readonly root: string,
    readonly server: EmbeddedPostgres,
    private readonly settings: Record<string, string>,
  ) {}

  /** `settings` are added to (or override) the durable defaults, at this start and every later one. */
  static async start(settings: Record<string, string> = {}): Promise<DedicatedPostgres> {
    const root = mkdtempSync(path.join(os.tmpdir(), 'gw-resilience-'));
    chmodSync(root, 0o755); // PostgreSQL runs as `postgres` when the tests run as root
    const port = await getFreePort();
    const durable = {
      fsync: 'on',
      synchronous_commit: 'on',
      full_page_writes: 'on',
      max_connections: '200',
      shared_buffers: '64MB',
      ...settings,
    };
    const server = await startEmbeddedPostgres({ dir: path.join(root, 'pg'), port, settings: durable });
    const owner = createDataSource(server.ownerUrl, { poolSize: 2, name: `resilience-migrate-${port}` });
    try {
      await runMigrations(owner, {
        ownerUrl: server.ownerUrl,
        appUser: server.appUser,
        appPassword: server.appPassword,
        log: () => undefined,
      });
    } finally {
      if (owner.isInitialized) await owner.destroy();
    }
    return new DedicatedPostgres(root, server, { ...server.settings });
  }

  get ownerUrl(): string {
    return this.server.ownerUrl;
  }

  get appUrl(): string {
    return this.server.appUrl;
  }

  /** A fresh directory beside the server's, for a gateway's DATA_DIR. */
  dataDir(name: string): string {
    return path.join(this.root, name);
  }

  /** Immediate shutdown: like a power cut for PostgreSQL (crash recovery on the next start). */
  async stopImmediate(): Promise<void> {
    await pgCtl(path.join(this.root, 'pg'), 'stop', ['-m', 'immediate', '-w', '-t', '60']);
  }

  /** Starts the server again, with `more` settings from now on. */
  async start(more: Record<string, string> = {}): Promise<void> {
    Object.assign(this.settings, more);
    await startServer(path.join(this.root, 'pg'), this.settings);
  }

  /** A clean shutdown (a checkpoint first, nothing to recover at the next start). */
  async stopFast(): Promise<void> {
    await pgCtl(path.join(this.root, 'pg'), 'stop', ['-m', 'fast', '-w', '-t', '60']);
  }

  /** Runs SQL as the owner on a connection of its own. */
  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return sqlOn<T>(await this.connect(), text, params);
  }

  /** An owner connection the caller ends. */
  async connect(url = this.ownerUrl): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  }

  async destroy(): Promise<void> {
    await this.server.stop('immediate');
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Starts the embedded server under `dir` (its data in `dir`/pgdata, its log in `dir`/postgres.log) with `settings`. */
export async function startServer(dir: string, settings: Record<string, string>): Promise<void> {
  const o = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  await pgCtl(dir, 'start', ['-w', '-t', '60', '-l', path.join(dir, 'postgres.log'), '-o', o]);
}

/** Runs SQL on `c`, then ends it. */
export async function sqlOn<T>(c: pg.Client, text: string, params: unknown[]): Promise<T[]> {
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end().catch(() => undefined);
  }
}
