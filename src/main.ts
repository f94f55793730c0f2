import 'reflect-metadata';
import { ConfigError } from '@config/app.config.js';
import { appConfig } from '@config/config.module.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { createApp } from './app.js';
import { provisionDatabase } from './database.js';
import { IdentityProviders } from '@modules/people/index.js';
import type { DemoIdentityProvider } from './demo/demo-identity-provider.js';
import { seedDemo } from './demo/seed-demo.js';

async function main(): Promise<void> {
  let config;
  try {
    config = appConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = new JsonLogger(config.logLevel);
  const started = performance.now();
  const db = await provisionDatabase(config, logger);
  const gateway = await createApp(config, { databaseUrl: db.appUrl, logger });
  if (config.demo) await seedDemo(gateway.app, config, logger);
  await gateway.app.listen({ port: config.port, host: config.host });
  logger.log(
    `gateway ${config.gatewayId} listening on http://${config.host}:${config.port} (ready in ${Math.round(performance.now() - started)} ms)`,
    'Main',
  );
  let idp: DemoIdentityProvider | undefined;
  // Handled from the moment the gateway listens, so a stop during the demo's start-up is clean too.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: draining and stopping`, 'Main');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    try {
      await gateway.close();
      await idp?.close();
      await db.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // The one-file build's entry point (scripts/bundle-main.mjs) writes its code cache on this.
  (process as NodeJS.EventEmitter).emit('gateway:listening');
  if (config.demo) {
    const { port } = gateway.app.getHttpServer().address() as { port: number };
    // Loaded only in demo mode: a real deployment never loads the demo identity provider.
    const { startDemoSignIn } = await import('./demo/demo-identity-provider.js');
    try {
      idp = await startDemoSignIn(gateway.app.get(IdentityProviders), {
        gatewayOrigins: [`http://127.0.0.1:${port}`, `http://localhost:${port}`],
        gatewayJwk: gateway.signer.publicJwk,
        port: config.demoIdpPort,
      });
      logger.log(
        `demo identity provider on ${idp.issuer}: people sign in at http://127.0.0.1:${port}/sign-in (password "demo")`,
        'Main',
      );
    } catch (e) {
      // A stop under way closed what it needed (its database connections): nothing to report.
      if (stopping) return;
      // Another demo gateway on this machine may hold the port: this one runs without people's sign-in.
      logger.warn(
        `demo identity provider not started on port ${config.demoIdpPort} (${e instanceof Error ? e.message : String(e)}): set DEMO_IDP_PORT to a free port for people's sign-in`,
        'Main',
      );
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`gateway failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
