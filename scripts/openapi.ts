/**
 * Writes the gateway's OpenAPI document (what it serves at /docs-json) without a database: the
 * application is assembled from AppModule with a data source that never connects, and no
 * lifecycle hook runs, so nothing is queried. `npm run lint:openapi` lints what this writes.
 *
 *   npm run -s openapi -- --out dist/openapi.json
 */
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { exportJWK, generateKeyPair } from 'jose';
import { defineCli } from './lib/cli.js';
import { toolConfig } from './lib/config.js';

const cli = defineCli('openapi', {
  usage: 'npm run -s openapi --',
  summary: "Writes the gateway's OpenAPI document (the JSON served at /docs-json) without starting a database.",
  options: {
    out: { type: 'string', value: '<file>', description: 'Write the document to this file instead of stdout' },
  },
  notes: ['Exit status 0 written, 1 failed, 2 a bad option.'],
});

const values = cli.parse();
cli.run(async () => {
  // The document does not depend on the environment's database or demo settings.
  // The application is loaded after the options are parsed: --help needs none of it.
  const [
    { NestFactory },
    { FastifyAdapter },
    { GatewaySigner },
    { JsonLogger },
    { Metrics },
    { AppModule },
    { createDataSource },
    { createOpenApiDocument },
  ] = await Promise.all([
    import('@nestjs/core'),
    import('@nestjs/platform-fastify'),
    import('../src/shared/crypto/gateway-signer.js'),
    import('../src/shared/observability/json-logger.js'),
    import('../src/shared/observability/metrics.js'),
    import('../src/app.module.js'),
    import('../src/data-source.js'),
    import('../src/openapi.js'),
  ]);
  const config = toolConfig(cli, {
    ...process.env,
    DATABASE_URL: 'postgres://openapi@127.0.0.1:1/never-connected',
    DEMO: 'false',
  });
  const logger = new JsonLogger('error', () => undefined);
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signer = await GatewaySigner.fromPrivateJwk({ ...(await exportJWK(privateKey)), kid: 'openapi', alg: 'ES256' });
  const dataSource = createDataSource(config.databaseUrl!, { poolSize: 1 });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, { dataSource, logger, metrics: new Metrics(), signer }),
    new FastifyAdapter(),
    {
      logger: false,
      abortOnError: false,
    },
  );
  const json = JSON.stringify(createOpenApiDocument(app), null, 2) + '\n';
  if (values.out) await writeFile(values.out, json);
  else await new Promise<void>((resolve, reject) => process.stdout.write(json, (e) => (e ? reject(e) : resolve())));
  // Not app.close(): no lifecycle hook ran, and shutdown hooks would touch the unconnected pool.
  process.exit(0);
});
