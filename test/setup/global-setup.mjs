// Runs once per test run, outside Jest's module system (it cannot load ESM TypeScript here), so it
// uses the build in dist/ (`npm test` builds first). One real PostgreSQL per run, in a temporary
// directory, never under DATA_DIR, with a migrated template database each test file clones.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

// Several runs can share a machine (engineers in parallel, CI): each run gets its own cluster
// file, named by JEST_RUN_ID, which the workers inherit through the environment.
const clusterFile = () =>
  path.join(os.tmpdir(), `probation-gateway-test-cluster-${process.getuid?.() ?? 0}-${process.env.JEST_RUN_ID}.json`);

export default async function globalSetup() {
  process.env.JEST_RUN_ID ??= `${process.pid}-${Date.now().toString(36)}`;
  const dist = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../../dist');
  const { startEmbeddedPostgres } = await import(path.join(dist, 'src/shared/database/embedded-postgres.js'));
  const { getFreePort } = await import(path.join(dist, 'bench/lib/spawn.js'));
  const { runMigrations } = await import(path.join(dist, 'src/shared/database/migrate.js'));
  const { createDataSource } = await import(path.join(dist, 'src/data-source.js'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-test-pg-'));
  const port = await getFreePort();
  const server = await startEmbeddedPostgres({
    dir,
    port,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
  });
  const template = 'gateway_template';
  const admin = new pg.Client({ connectionString: server.ownerUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const u = new URL(server.ownerUrl);
  u.pathname = `/${template}`;
  const ownerUrl = u.toString();
  const ds = createDataSource(ownerUrl, { poolSize: 2 });
  await runMigrations(ds, { ownerUrl, appUser: server.appUser, appPassword: server.appPassword, log: () => undefined });
  await ds.destroy();
  writeFileSync(
    clusterFile(),
    JSON.stringify({
      ownerUrl: server.ownerUrl,
      appUser: server.appUser,
      appPassword: server.appPassword,
      port,
      dir,
      template,
    }),
  );
  globalThis.__PG__ = server;
  globalThis.__PG_DIR__ = dir;
}
