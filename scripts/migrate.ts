/**
 * Applies pending migrations and exits (the gateway also does this at every start). Uses
 * MIGRATION_DATABASE_URL / DATABASE_URL, or else the embedded PostgreSQL under DATA_DIR: the one a
 * running gateway started, which is joined and left running, or else one started, migrated and
 * stopped here.
 *
 *   npm run migration:run
 */
import path from 'node:path';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { runningEmbeddedPostgres } from '@shared/database/embedded-postgres.js';
import { defineCli } from './lib/cli.js';
import { toolConfig } from './lib/config.js';

const cli = defineCli('migration:run', {
  usage: 'npm run migration:run --',
  summary:
    'Applies the pending migrations and exits (the gateway also applies them at every start). Uses MIGRATION_DATABASE_URL or DATABASE_URL, or else the embedded PostgreSQL under DATA_DIR: one already running there (a gateway started it) is migrated and left running; otherwise one is started for the migrations and stopped again. Takes no options.',
  options: {},
  notes: ['Exit status 0 up to date, 1 a migration failed, 2 a bad option or configuration.'],
});
cli.parse();
cli.run(async () => {
  const config = toolConfig(cli);
  const logger = new JsonLogger(config.logLevel);
  // Loaded after the options are parsed: --help and usage errors need none of the database code.
  const [{ provisionDatabase }, { createDataSource }, { runMigrations }] = await Promise.all([
    import('../src/database.js'),
    import('../src/data-source.js'),
    import('@shared/database/migrate.js'),
  ]);
  const dir = path.join(config.dataDir, 'postgres');
  const running = config.databaseUrl ? null : await runningEmbeddedPostgres(dir);
  if (running) {
    // Starting a server here would fast-stop the gateway's own (startEmbeddedPostgres restarts
    // one it finds running), and the gateway would answer 503 from then on: migrate that
    // server in place through its owner login instead, and never stop it.
    logger.log(
      `using the embedded PostgreSQL already running under ${dir} (pid ${running.pid}, port ${running.port})`,
      'Migrations',
    );
    const ownerUrl = `postgres://postgres:${encodeURIComponent(running.credentials.superuserPassword)}@127.0.0.1:${running.port}/postgres`;
    const owner = createDataSource(ownerUrl, { poolSize: 2, name: 'probation-gateway-migrations' });
    // As a gateway's start does: the application login (`gateway`, its password from
    // credentials.json, so unchanged) stays a member of gateway_app.
    const failed = await runMigrations(owner, {
      ownerUrl,
      appUser: 'gateway',
      appPassword: running.credentials.appPassword,
      log: (m) => logger.log(m, 'Migrations'),
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    if (owner.isInitialized) await owner.destroy();
    if (failed) cli.fail(`migration failed (the embedded PostgreSQL was left running): ${failed.message}`);
  } else {
    const db = await provisionDatabase(config, logger).catch((e: Error) => cli.fail(`migration failed: ${e.message}`));
    await db.stop();
  }
  logger.log('migrations up to date', 'Migrations');
});
