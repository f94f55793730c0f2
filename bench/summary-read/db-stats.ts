// Where the database's share of a read goes: CPU of the embedded PostgreSQL's processes (told
// apart from other jobs on a shared machine), and transactions and row writes per read from the
// statistics views.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';

const TICK_MS = 10; // USER_HZ = 100

/** The postmaster's pid, from DATA_DIR/postgres/pgdata/postmaster.pid. */
export async function postmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number(
      (await readFile(path.join(dataDir, 'postgres', 'pgdata', 'postmaster.pid'), 'utf8')).split('\n')[0],
    );
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU (ms) used so far by the postmaster and its backends: the live children's own time plus
 * what exited children left in the postmaster's cutime/cstime. NaN off Linux.
 */
export async function postgresCpuMs(postmaster: number): Promise<number> {
  try {
    let total = 0;
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      const ppid = Number(f[1]);
      if (pid === postmaster) total += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      else if (ppid === postmaster) total += Number(f[11]) + Number(f[12]);
    }
    return total * TICK_MS;
  } catch {
    return NaN;
  }
}

export interface DbCounters {
  transactions: number;
  /** Rows inserted + updated + deleted, per table. */
  writes: Map<string, number>;
}

export async function dbCounters(ds: DataSource): Promise<DbCounters> {
  const [{ x }] = await ds.query<{ x: string }[]>(
    `SELECT xact_commit + xact_rollback AS x FROM pg_stat_database WHERE datname = current_database()`,
  );
  const rows = await ds.query<{ relname: string; w: string }[]>(
    `SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS w FROM pg_stat_user_tables`,
  );
  return { transactions: Number(x), writes: new Map(rows.map((r) => [r.relname, Number(r.w)])) };
}

/** Per read: transactions, and row writes of each table written to. */
export function perRead(
  before: DbCounters,
  after: DbCounters,
  reads: number,
): { transactions: number; writes: string } {
  const writes = [...after.writes]
    .map(([t, w]) => [t, (w - (before.writes.get(t) ?? 0)) / reads] as const)
    .filter(([, w]) => w > 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([t, w]) => `${t} ${w.toFixed(2)}`)
    .join(', ');
  return { transactions: (after.transactions - before.transactions) / reads, writes };
}
