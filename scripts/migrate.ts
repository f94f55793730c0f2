/**
 * Applies pending migrations and exits (the gateway also does this at every start). Uses
 * MIGRATION_DATABASE_URL / DATABASE_URL, or the embedded PostgreSQL under DATA_DIR.
 *
 *   npm run migration:run
 */
import { JsonLogger } from '@shared/observability/json-logger.js';
import { defineCli } from './lib/cli.js';
import { toolConfig } from './lib/config.js';

const cli = defineCli('migration:run', {
  usage: 'npm run migration:run --',
  summary:
    'Applies the pending migrations and exits (the gateway also applies them at every start). Uses MIGRATION_DATABASE_URL or DATABASE_URL, or else the embedded PostgreSQL under DATA_DIR. Takes no options.',
  options: {},
  notes: ['Exit status 0 up to date, 1 a migration failed, 2 a bad option or configuration.'],
});
cli.parse();
cli.run(async () => {
  const config = toolConfig(cli);
  const logger = new JsonLogger(config.logLevel);
  // Loaded after the options are parsed: --help and usage errors need none of the database code.
  const { provisionDatabase } = await import('../src/database.js');
  const db = await provisionDatabase(config, logger).catch((e: Error) => cli.fail(`migration failed: ${e.message}`));
  await db.stop();
  logger.log('migrations up to date', 'Migrations');
});
