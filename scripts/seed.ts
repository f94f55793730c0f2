/**
 * Loads synthetic cases with assessments for demos and benchmarks, straight into the tables
 * (bulk path: reference data, so nothing is written to the access log).
 *
 *   npm run seed -- --cases 100000 [--seed 42] [--from 0] [--batch 1000] [--database-url URL]
 *
 * Uses --database-url, else DATABASE_URL (with MIGRATION_DATABASE_URL as the owner when set),
 * else the embedded PostgreSQL under DATA_DIR: the one a running gateway started, or else one
 * started and migrated here and stopped at the end.
 * Cases whose CRN exists are skipped, so running it twice adds nothing; seed 42 is the DEMO=true
 * data set, which this extends.
 */
import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@config/app.config.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { runningEmbeddedPostgres } from '@shared/database/embedded-postgres.js';
import { createDataSource } from '../src/data-source.js';
import { provisionDatabase } from '../src/database.js';
import { DEMO_SEED } from '../src/demo/demo-cases.js';
import { DEMO_ORGANISATIONS } from '../src/demo/demo-organisations.js';
import { analyseCaseTables, bulkInsertCases, ensureOrganisationRows, formatDuration, progressBar } from '../src/demo/synthetic/index.js';

const USAGE = 'usage: npm run seed -- --cases N [--seed 42] [--from 0] [--batch 1000] [--database-url postgres://...]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function count(name: string, raw: string | undefined, def: number | undefined, min: number, max: number): number {
  if (raw === undefined) {
    if (def === undefined) fail(`--${name} is required`);
    return def;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) fail(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  return Number(raw);
}

/**
 * The owner URL of an embedded PostgreSQL already running under DATA_DIR (a gateway started with
 * `npm start`): seeding then joins it instead of restarting it under the gateway's feet.
 */
async function runningEmbedded(dataDir: string): Promise<string | undefined> {
  const running = await runningEmbeddedPostgres(path.join(dataDir, 'postgres'));
  return running ? `postgres://postgres:${encodeURIComponent(running.credentials.superuserPassword)}@127.0.0.1:${running.port}/postgres` : undefined;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        cases: { type: 'string' },
        seed: { type: 'string' },
        from: { type: 'string' },
        batch: { type: 'string' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const cases = count('cases', values.cases, undefined, 1, 10_000_000);
  const seed = count('seed', values.seed, DEMO_SEED, 0, 2 ** 32 - 1);
  const from = count('from', values.from, 0, 0, 15_000_000);
  const batchSize = count('batch', values.batch, 1000, 1, 20_000);

  let config;
  try {
    config = loadConfig(values['database-url'] ? { ...process.env, DATABASE_URL: values['database-url'], DEMO: 'false' } : process.env);
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  // Progress goes to stderr; the database's own messages only when something goes wrong.
  const logger = new JsonLogger('warn', (line) => process.stderr.write(line + '\n'));
  // The owner connection: it may also insert the demo organisations the cases reference.
  let url = config.databaseUrl ? undefined : await runningEmbedded(config.dataDir);
  let stop = async (): Promise<void> => undefined;
  if (url) process.stderr.write(`using the embedded PostgreSQL already running under ${config.dataDir}\n`);
  else {
    const db = await provisionDatabase(config, logger);
    url = db.embedded?.ownerUrl ?? config.migrationDatabaseUrl ?? db.appUrl;
    stop = () => db.stop();
  }
  const ds = createDataSource(url, { poolSize: 3, name: 'probation-gateway-seed' });
  try {
    await ds.initialize();
    const added = await ensureOrganisationRows(ds, DEMO_ORGANISATIONS);
    if (added.length) process.stderr.write(`added demo organisations ${added.join(', ')} (their keys are added when the gateway starts with DEMO=true)\n`);
    const bar = progressBar('cases', cases);
    const r = await bulkInsertCases(ds, { seed, from, count: cases, batchSize, onProgress: (done) => bar.update(done) });
    bar.finish();
    await analyseCaseTables(ds);
    const rate = Math.round((r.generated * 1000) / r.ms).toLocaleString('en-GB');
    process.stdout.write(
      `seeded ${r.inserted.toLocaleString('en-GB')} cases with ${r.assessments.toLocaleString('en-GB')} assessments ` +
        `(${r.skipped.toLocaleString('en-GB')} already present) in ${formatDuration(r.ms / 1000)} (${(r.ms / 1000).toFixed(1)} s, ${rate} cases/s); seed ${seed}, indices ${from}..${from + cases - 1}\n`,
    );
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`seed failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
