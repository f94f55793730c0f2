import path from 'node:path';
import type { AppConfig } from '@config/app.config.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@shared/database/embedded-postgres.js';
import { runMigrations } from '@shared/database/migrate.js';
import { parsePostgresUrl } from '@shared/database/postgres-url.js';
import type { JsonLogger } from '@shared/observability/json-logger.js';
import { createDataSource } from './data-source.js';

export interface ProvisionedDatabase {
  /** URL the application connects with (least-privileged role). */
  appUrl: string;
  embedded?: EmbeddedPostgres;
  stop(): Promise<void>;
}

/**
 * Gets a migrated database: the server named by DATABASE_URL, or an embedded PostgreSQL under
 * DATA_DIR. Migrations always run as the owner; the application then logs in as a member of
 * `gateway_app`.
 */
export async function provisionDatabase(config: AppConfig, logger: JsonLogger): Promise<ProvisionedDatabase> {
  let embedded: EmbeddedPostgres | undefined;
  let ownerUrl: string;
  let appUrl: string;
  let appPassword: string | undefined;
  let appUser: string | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dir: path.join(config.dataDir, 'postgres'),
      port: config.embeddedPgPort,
      log: (m) => logger.log(m, 'EmbeddedPostgres'),
    });
    logger.log(
      `embedded PostgreSQL running on 127.0.0.1:${embedded.port} (data under ${embedded.dataDir})`,
      'Database',
    );
    ownerUrl = embedded.ownerUrl;
    appUrl = embedded.appUrl;
    appUser = embedded.appUser;
    appPassword = embedded.appPassword;
  } else {
    ownerUrl = config.migrationDatabaseUrl ?? config.databaseUrl;
    appUrl = config.databaseUrl;
    appUser = parsePostgresUrl(appUrl).user;
    if (ownerUrl === appUrl)
      logger.warn(
        'DATABASE_URL is also the migration owner: set MIGRATION_DATABASE_URL so the application runs without UPDATE/DELETE rights on the log',
        'Database',
      );
  }
  const owner = createDataSource(ownerUrl, { poolSize: 2, name: 'probation-gateway-migrations' });
  try {
    await retry(
      () => runMigrations(owner, { ownerUrl, appUser, appPassword, log: (m) => logger.log(m, 'Migrations') }),
      30_000,
      logger,
    );
  } finally {
    if (owner.isInitialized) await owner.destroy();
  }
  return {
    appUrl,
    embedded,
    async stop() {
      if (embedded) await embedded.stop();
    },
  };
}

/** Retries a start-up step while the database is not reachable yet (e.g. a container still starting). */
export async function retry<T>(fn: () => Promise<T>, forMs: number, logger: JsonLogger): Promise<T> {
  const until = Date.now() + forMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > until) throw e;
      logger.warn(`database not ready (${(e as Error).message}); retrying`, 'Database');
      await new Promise((r) => setTimeout(r, Math.min(2000, 200 * attempt)));
    }
  }
}
