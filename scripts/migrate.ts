/**
 * Applies pending migrations and exits (the gateway also does this at every start). Uses
 * MIGRATION_DATABASE_URL / DATABASE_URL, or the embedded PostgreSQL under DATA_DIR.
 *
 *   npm run migration:run
 */
import { ConfigError, loadConfig } from '@config/app.config.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { provisionDatabase } from '../src/database.js';

try {
  const config = loadConfig();
  const logger = new JsonLogger(config.logLevel);
  const db = await provisionDatabase(config, logger);
  await db.stop();
  logger.log('migrations up to date', 'Migrations');
} catch (e) {
  process.stderr.write(`${e instanceof ConfigError ? e.message : `migration failed: ${(e as Error).message}`}\n`);
  process.exit(1);
}
