import { execFile } from 'node:child_process';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { getFreePort } from '../../../bench/lib/spawn.js';
import { pgCtl } from '../../../src/shared/database/embedded-postgres.js';
import { isDatabaseUnavailable } from '../../../src/shared/database/db-errors.js';
import { connectPg } from '../../../src/shared/database/pg-connection.js';
import { DedicatedPostgres, sqlOn, startServer } from './postgres.js';

const exec = promisify(execFile);

/** The standby's name: its application_name, which synchronous_standby_names names. */
const STANDBY = 'standby1';

/** A URL naming both servers, in the primary's then the standby's order, read-write sessions only. */
function bothHosts(url: string, ports: number[]): string {
  const u = new URL(url);
  const hosts = ports.map((p) => `127.0.0.1:${p}`).join(',');
  return `postgres://${u.username}:${u.password}@${hosts}${u.pathname}?target_session_attrs=read-write`;
}

/**
 * A primary and a synchronous standby (streaming replication, synchronous_commit on,
 * synchronous_standby_names naming the standby): a commit is acknowledged only once the standby
 * has flushed it. The embedded PostgreSQL has no pg_basebackup, so the standby starts from a
 * clean cold copy of the primary's data directory (primary stopped, copied, started again), with
 * standby.signal, primary_conninfo and its own replication slot. `appUrl`/`ownerUrl` name both
 * servers (multi-host, target_session_attrs=read-write), as a deployment's DATABASE_URL would.
 */
export class ReplicatedPostgres {
  private constructor(
    readonly primary: DedicatedPostgres,
    readonly standbyDir: string,
    readonly standbyPort: number,
  ) {}

  static async start(): Promise<ReplicatedPostgres> {
    const primary = await DedicatedPostgres.start({ max_wal_senders: '4', max_replication_slots: '4' });
    await primary.sql(`SELECT pg_create_physical_replication_slot($1, true)`, [STANDBY]);
    await primary.stopFast();
    const pgDir = path.join(primary.root, 'pg');
    const standbyDir = path.join(primary.root, 'standby');
    // cp -a keeps the owner (`postgres` when the tests run as root) and the 0700 mode PostgreSQL demands.
    await exec('cp', ['-a', pgDir, standbyDir]);
    // The slot is the primary's: the standby's copy of it would only hold WAL back after a promotion.
    await rm(path.join(standbyDir, 'pgdata', 'pg_replslot', STANDBY), { recursive: true, force: true });
    await writeFile(path.join(standbyDir, 'pgdata', 'standby.signal'), '');
    const { superuserPassword } = JSON.parse(await readFile(path.join(pgDir, 'credentials.json'), 'utf8')) as {
      superuserPassword: string;
    };
    const primaryPort = new URL(primary.ownerUrl).port;
    await appendFile(
      path.join(standbyDir, 'pgdata', 'postgresql.auto.conf'),
      `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres password=${superuserPassword} application_name=${STANDBY}'\n` +
        `primary_slot_name = '${STANDBY}'\n`,
    );
    // The primary waits for the standby's flush before it acknowledges a commit.
    await primary.start({ synchronous_standby_names: STANDBY });
    const standbyPort = await getFreePort();
    await startServer(standbyDir, {
      port: String(standbyPort),
      listen_addresses: '127.0.0.1',
      unix_socket_directories: "''",
      fsync: 'on',
      synchronous_commit: 'on',
      full_page_writes: 'on',
      hot_standby: 'on',
      max_connections: '200',
      shared_buffers: '64MB',
    });
    const pair = new ReplicatedPostgres(primary, standbyDir, standbyPort);
    await pair.waitForSyncStandby();
    return pair;
  }

  private get ports(): number[] {
    return [Number(new URL(this.primary.ownerUrl).port), this.standbyPort];
  }

  get appUrl(): string {
    return bothHosts(this.primary.appUrl, this.ports);
  }

  get ownerUrl(): string {
    return bothHosts(this.primary.ownerUrl, this.ports);
  }

  /** A fresh directory for a gateway's DATA_DIR. */
  dataDir(name: string): string {
    return this.primary.dataDir(name);
  }

  /**
   * An owner connection to whichever server accepts writes (see pgConnection); the caller ends it.
   * The first connection after the primary was lost unnoticed (no connection of this process saw
   * it die) fails and makes the locator look again: the second finds the promoted server.
   */
  async connect(url = this.ownerUrl): Promise<pg.Client> {
    try {
      return await connectPg(url, { connectionTimeoutMillis: 10_000 });
    } catch (e) {
      if (!isDatabaseUnavailable(e)) throw e;
      return connectPg(url, { connectionTimeoutMillis: 10_000 });
    }
  }

  /** Runs SQL as the owner on the server that accepts writes. */
  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return sqlOn<T>(await this.connect(), text, params);
  }

  /** Until the primary reports the standby as its synchronous one, streaming. */
  private async waitForSyncStandby(): Promise<void> {
    const until = Date.now() + 30_000;
    for (;;) {
      const rows = await this.primary.sql<{ state: string }>(
        `SELECT state FROM pg_stat_replication WHERE application_name = $1 AND sync_state = 'sync'`,
        [STANDBY],
      );
      if (rows[0]?.state === 'streaming') return;
      if (Date.now() > until) throw new Error('the standby did not become the synchronous standby within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * The primary's machine is lost: SIGKILL to the postmaster and every process it started, so no
   * backend (or WAL sender) finishes anything and nothing is shut down cleanly. Not a process-group
   * kill: each child of the postmaster calls setsid(), and a backend outliving its postmaster
   * answers queries (and commits) until it notices, which a lost machine never does. The postmaster
   * is stopped first, so it forks nothing between the listing of its children and their end.
   */
  async killPrimary(): Promise<void> {
    const lines = (await readFile(path.join(this.primary.root, 'pg', 'pgdata', 'postmaster.pid'), 'utf8')).split('\n');
    const postmaster = Number(lines[0]);
    process.kill(postmaster, 'SIGSTOP');
    const { stdout } = await exec('ps', ['-o', 'pid=', '--ppid', String(postmaster)]);
    const children = stdout.split('\n').filter(Boolean).map(Number);
    if (!children.length) throw new Error(`postmaster ${postmaster} has no children to kill`);
    const all = [postmaster, ...children];
    for (const pid of all) process.kill(pid, 'SIGKILL');
    const until = Date.now() + 10_000;
    for (;;) {
      const alive = [];
      for (const pid of all) if (await running(pid)) alive.push(pid);
      if (!alive.length) return;
      if (Date.now() > until)
        throw new Error(`PostgreSQL processes ${alive.join(', ')} still alive 10 s after SIGKILL`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** What an operator (or a failover manager) does: pg_ctl promote on the standby, waiting until it accepts writes. */
  async promote(): Promise<void> {
    await pgCtl(this.standbyDir, 'promote', ['-w', '-t', '60']);
  }

  async destroy(): Promise<void> {
    await pgCtl(this.standbyDir, 'stop', ['-m', 'immediate', '-w', '-t', '60']).catch(() => undefined);
    await this.primary.destroy();
  }
}

/** Whether the process exists and has not exited (a zombie waiting for its parent counts as gone). */
async function running(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
