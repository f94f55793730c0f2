import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getFreePort, startNodeScript, type StartedProcess } from '../../bench/lib/spawn.js';
import { runningEmbeddedPostgres } from '../../src/shared/database/embedded-postgres.js';
import { GATEWAY_SCRIPT } from './support/gateway-process.js';
import { DemoSigner } from './support/signer.js';

const LOG_VERIFY = path.resolve('dist/scripts/log-verify.js');
const MIGRATE = path.resolve('dist/scripts/migrate.js');

/** The environment of a shell that names nothing but DATA_DIR (no database URL, no ports). */
function onlyDataDir(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...extra };
  for (const k of ['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'PORT']) delete env[k];
  return env;
}

/** Runs a built command to its end: its exit code and output, never a rejection. */
const run = (script: string, env: NodeJS.ProcessEnv) =>
  promisify(execFile)(process.execPath, [script], { env, timeout: 120_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    }),
  );

/**
 * `npm run log:verify` and `npm run migration:run` run beside a live gateway that runs its own
 * embedded PostgreSQL under DATA_DIR, on a port the commands are not told: each must find that
 * server from postmaster.pid, use it, and leave it (and the gateway) running. migration:run used
 * to start a server of its own, which fast-stopped the gateway's, and then stopped it: the gateway
 * answered 503 from then on. Run again once the gateway has stopped, each starts the server for
 * its work and stops it again.
 */
describe('log:verify and migration:run beside a running gateway (embedded PostgreSQL under DATA_DIR)', () => {
  let dataDir: string;
  let gateway: StartedProcess | undefined;
  let port: number;
  let pgPort: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-tools-'));
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
        CHECKPOINT_INTERVAL_MS: '1000',
      },
      readyUrl: `http://127.0.0.1:${port}/health`,
      readyTimeoutMs: 120_000,
      pollIntervalMs: 100,
      name: 'gateway-tools',
    });
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop(15_000);
    // A server left by a failed run.
    const left = await runningEmbeddedPostgres(path.join(dataDir, 'postgres'));
    if (left) await promisify(execFile)('kill', ['-INT', String(left.pid)]).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

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

  /** The gateway's own server is still the one running, and a signed request (which needs it) is answered as before. */
  const expectGatewayUntouched = async (
    before: Awaited<ReturnType<typeof runningEmbeddedPostgres>>,
    status: number,
  ) => {
    expect(await runningEmbeddedPostgres(path.join(dataDir, 'postgres'))).toEqual(before);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const again = await signedRead();
    expect(again.status).toBe(status);
    expect(again.headers.get('content-type')).toMatch(
      status === 200 ? /^application\/json/ : /^application\/problem\+json/,
    );
  };

  it('log:verify uses the running server, leaves it running, and the gateway still answers', async () => {
    const before = await runningEmbeddedPostgres(path.join(dataDir, 'postgres'));
    expect(before?.port).toBe(pgPort);
    const read = await signedRead();
    expect([200, 404]).toContain(read.status);
    // EMBEDDED_PG_PORT is not the gateway's: the command has only DATA_DIR to go by.
    const r = await run(LOG_VERIFY, onlyDataDir(dataDir, { EMBEDDED_PG_PORT: String(await getFreePort()) }));
    expect({ code: r.code, out: r.stdout }).toEqual({ code: 0, out: expect.stringMatching(/^OK: \d+ entries/) });
    expect(r.stderr).not.toMatch(/starting the embedded PostgreSQL/);
    await expectGatewayUntouched(before, read.status);
  }, 180_000);

  it('migration:run migrates the running server, leaves it running, and the gateway still answers', async () => {
    const before = await runningEmbeddedPostgres(path.join(dataDir, 'postgres'));
    const read = await signedRead();
    const env = onlyDataDir(dataDir, { EMBEDDED_PG_PORT: String(await getFreePort()), LOG_LEVEL: 'info' });
    const r = await run(MIGRATE, env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/using the embedded PostgreSQL already running/);
    expect(r.stdout).toMatch(/migrations up to date/);
    await expectGatewayUntouched(before, read.status);
  }, 180_000);

  it('each starts a server only when none is running, and stops the one it started', async () => {
    await gateway!.stop(15_000);
    gateway = undefined;
    expect(await runningEmbeddedPostgres(path.join(dataDir, 'postgres'))).toBeNull();
    const verified = await run(LOG_VERIFY, onlyDataDir(dataDir, { EMBEDDED_PG_PORT: String(await getFreePort()) }));
    expect({ code: verified.code, out: verified.stdout }).toEqual({
      code: 0,
      out: expect.stringMatching(/^OK: \d+ entries/),
    });
    expect(verified.stderr).toMatch(/starting the embedded PostgreSQL/);
    expect(await runningEmbeddedPostgres(path.join(dataDir, 'postgres'))).toBeNull();
    const env = onlyDataDir(dataDir, { EMBEDDED_PG_PORT: String(await getFreePort()), LOG_LEVEL: 'info' });
    const migrated = await run(MIGRATE, env);
    expect({ code: migrated.code, stderr: migrated.stderr }).toEqual({ code: 0, stderr: '' });
    expect(migrated.stdout).not.toMatch(/using the embedded PostgreSQL already running/);
    expect(migrated.stdout).toMatch(/migrations up to date/);
    expect(await runningEmbeddedPostgres(path.join(dataDir, 'postgres'))).toBeNull();
  }, 180_000);
});
