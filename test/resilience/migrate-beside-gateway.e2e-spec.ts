import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getFreePort, startNodeScript, type StartedProcess } from '../../bench/lib/spawn.js';
import { runningEmbeddedPostgres } from '../../src/shared/database/embedded-postgres.js';
import { GATEWAY_SCRIPT } from './support/gateway-process.js';
import { DemoSigner } from './support/signer.js';

const MIGRATE = path.resolve('dist/scripts/migrate.js');

/** The environment of a shell that names nothing but DATA_DIR (no database URL, no ports). */
function onlyDataDir(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...extra };
  for (const k of ['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'PORT']) delete env[k];
  return env;
}

/**
 * `npm run migration:run` run beside a live gateway that runs its own embedded PostgreSQL under
 * DATA_DIR, on a port the command is not told: it must migrate that server and leave it (and the
 * gateway) running. It used to start a server of its own, which fast-stopped the gateway's, and
 * then stopped it: the gateway answered 503 from then on. Run again once the gateway has
 * stopped, it starts the server for the migrations and stops it again.
 */
describe('migration:run beside a running gateway (embedded PostgreSQL under DATA_DIR)', () => {
  let dataDir: string;
  let gateway: StartedProcess | undefined;
  let port: number;
  let pgPort: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-migrate-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as `postgres` when the tests run as root
    [port, pgPort] = [await getFreePort(), await getFreePort()];
    gateway = await startNodeScript({
      script: GATEWAY_SCRIPT,
      cwd: path.resolve('.'),
      env: {
        ...onlyDataDir(dataDir),
        PORT: String(port),
        HOST: '127.0.0.1',
        EMBEDDED_PG_PORT: String(pgPort),
        DEMO: 'true',
        DEMO_CASES: '20',
        LOG_LEVEL: 'error',
      },
      readyUrl: `http://127.0.0.1:${port}/health`,
      readyTimeoutMs: 120_000,
      pollIntervalMs: 100,
      name: 'gateway-migrate',
    });
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop(15_000);
    // A server left by a failed run (the old behaviour stopped the gateway's and started its own).
    const left = await runningEmbeddedPostgres(path.join(dataDir, 'postgres'));
    if (left) await promisify(execFile)('kill', ['-INT', String(left.pid)]).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const migrate = (env: NodeJS.ProcessEnv) =>
    promisify(execFile)(process.execPath, [MIGRATE], { env, timeout: 120_000 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? -1,
        stdout: e.stdout ?? '',
        stderr: e.stderr ?? '',
      }),
    );

  const signedRead = async () => {
    const signer = new DemoSigner(dataDir);
    const url = '/cases/X000001/summary?purpose=IOM';
    const { token } = await signer.token(
      { org: 'police-cleveland', roles: ['iom-officer'], attrs: { force: 'cleveland' }, reason: 'IOM panel' },
      'GET',
      url,
    );
    return fetch(`http://127.0.0.1:${port}${url}`, { headers: { authorization: `Bearer ${token}` } });
  };

  it('migrates the running server, leaves it running, and the gateway still answers /health and signed requests', async () => {
    const before = await runningEmbeddedPostgres(path.join(dataDir, 'postgres'));
    expect(before?.port).toBe(pgPort);
    const read = await signedRead();
    expect([200, 404]).toContain(read.status);

    // EMBEDDED_PG_PORT is not the gateway's: the command has only DATA_DIR to go by.
    const r = await migrate(onlyDataDir(dataDir, { EMBEDDED_PG_PORT: String(await getFreePort()), LOG_LEVEL: 'info' }));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    // The same server process, on the same port, and the gateway's connections still work.
    const after = await runningEmbeddedPostgres(path.join(dataDir, 'postgres'));
    expect(after).toEqual(before);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(r.stdout).toMatch(/using the embedded PostgreSQL already running/);
    expect(r.stdout).toMatch(/migrations up to date/);
    // A signed request needs the database (key look-up, replay record, log entry).
    const again = await signedRead();
    expect(again.status).toBe(read.status);
    expect(again.headers.get('content-type')).toMatch(
      read.status === 200 ? /^application\/json/ : /^application\/problem\+json/,
    );
  }, 180_000);

  it('starts a server only when none is running, and stops the one it started', async () => {
    await gateway!.stop(15_000);
    gateway = undefined;
    expect(await runningEmbeddedPostgres(path.join(dataDir, 'postgres'))).toBeNull();
    const r = await migrate(onlyDataDir(dataDir, { EMBEDDED_PG_PORT: String(await getFreePort()), LOG_LEVEL: 'info' }));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).not.toMatch(/using the embedded PostgreSQL already running/);
    expect(r.stdout).toMatch(/migrations up to date/);
    expect(await runningEmbeddedPostgres(path.join(dataDir, 'postgres'))).toBeNull();
  }, 180_000);
});
