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
import { JsonLogger } from '@shared/observability/json-logger.js';
import { runningEmbeddedPostgres } from '@shared/database/embedded-postgres.js';
import { defineCli, intOption } from './lib/cli.js';
import { toolConfig } from './lib/config.js';

const cli = defineCli('seed', {
  usage: 'npm run seed --',
  summary:
    'Loads deterministic synthetic cases with assessments straight into the tables (reference data: nothing is written to the access log). Cases whose CRN exists are skipped; seed 42 is the DEMO=true data set, which this extends.',
  options: {
    cases: { type: 'string', value: '<n>', required: true, description: 'How many cases to generate, 1 to 10000000' },
    seed: {
      type: 'string',
      value: '<n>',
      description: 'Seed of the generator, 0 to 4294967295; default the seed of the DEMO=true data set',
    },
    from: {
      type: 'string',
      value: '<n>',
      default: '0',
      description: 'Index of the first generated case, 0 to 15000000 (to extend a data set)',
    },
    batch: { type: 'string', value: '<n>', default: '1000', description: 'Cases per COPY batch, 1 to 20000' },
    'database-url': {
      type: 'string',
      value: '<postgres://...>',
      description:
        'Seed this database; else DATABASE_URL (MIGRATION_DATABASE_URL as owner when set), else the embedded PostgreSQL under DATA_DIR',
    },
  },
  examples: ['npm run seed -- --cases 100000'],
  notes: ['Exit status 0 seeded, 1 failed, 2 a bad option.'],
});

/**
 * The owner URL of an embedded PostgreSQL already running under DATA_DIR (a gateway started with
 * `npm start`): seeding then joins it instead of restarting it under the gateway's feet.
 */
async function runningEmbedded(dataDir: string): Promise<string | undefined> {
  const running = await runningEmbeddedPostgres(path.join(dataDir, 'postgres'));
  return running
    ? `postgres://postgres:${encodeURIComponent(running.credentials.superuserPassword)}@127.0.0.1:${running.port}/postgres`
    : undefined;
}

async function main(): Promise<void> {
  const values = cli.parse();
  const cases = intOption(cli, 'cases', values.cases, 1, 10_000_000);
  const from = intOption(cli, 'from', values.from, 0, 15_000_000);
  const batchSize = intOption(cli, 'batch', values.batch, 1, 20_000);
  if (values.seed !== undefined) intOption(cli, 'seed', values.seed, 0, 2 ** 32 - 1);
  // Loaded after the options are parsed: --help and usage errors need none of the database code.
  const [
    { createDataSource },
    { provisionDatabase },
    { DEMO_SEED },
    { DEMO_ORGANISATIONS },
    { analyseCaseTables, bulkInsertCases, ensureOrganisationRows, formatDuration, progressBar },
  ] = await Promise.all([
    import('../src/data-source.js'),
    import('../src/database.js'),
    import('../src/demo/demo-cases.js'),
    import('../src/demo/demo-organisations.js'),
    import('../src/demo/synthetic/index.js'),
  ]);
  const seed = values.seed === undefined ? DEMO_SEED : Number(values.seed);

  const config = toolConfig(
    cli,
    values['database-url'] ? { ...process.env, DATABASE_URL: values['database-url'], DEMO: 'false' } : process.env,
  );
  // Progress goes to stderr; the database's own messages only when something goes wrong.
  const logger = new JsonLogger('warn', (line) => process.stderr.write(line + '\n'));
  // The owner connection: it may also insert the demo organisations the cases reference.
  let url = config.databaseUrl ? undefined : await runningEmbedded(config.dataDir);
  let stop = (): Promise<void> => Promise.resolve();
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
    if (added.length)
      process.stderr.write(
        `added demo organisations ${added.join(', ')} (their keys are added when the gateway starts with DEMO=true)\n`,
      );
    const bar = progressBar('cases', cases);
    const r = await bulkInsertCases(ds, {
      seed,
      from,
      count: cases,
      batchSize,
      onProgress: (done) => bar.update(done),
    });
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

cli.run(main);
