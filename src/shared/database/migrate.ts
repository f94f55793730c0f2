import type { DataSource } from 'typeorm';
import { connectPg } from './pg-connection.js';

/** A lock key shared by every instance so that only one runs migrations at a time. */
const MIGRATION_LOCK = 7_150_001;

/**
 * Applies pending migrations as the schema owner, then makes sure the application's login role
 * holds the `gateway_app` privileges. Several instances starting together are serialised by an
 * advisory lock, so each migration runs once.
 */
export async function runMigrations(
  owner: DataSource,
  opts: { ownerUrl: string; appUser?: string; appPassword?: string; log: (m: string) => void },
): Promise<void> {
  // Listens for 'error' from birth; reaches the primary of a multi-host URL.
  const lock = await connectPg(opts.ownerUrl);
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    if (!owner.isInitialized) await owner.initialize();
    const applied = await owner.runMigrations({ transaction: 'each' });
    for (const m of applied) opts.log(`applied migration ${m.name}`);
    if (opts.appUser) {
      const [{ u: ownerUser }] = await owner.query<{ u: string }[]>('SELECT current_user AS u');
      if (opts.appUser !== ownerUser) {
        if (opts.appPassword !== undefined) {
          // Embedded mode: the gateway manages its own least-privileged login.
          const exists = await owner.query<unknown[]>('SELECT 1 FROM pg_roles WHERE rolname = $1', [opts.appUser]);
          const ident = `"${opts.appUser.replace(/"/g, '""')}"`;
          const literal = `'${opts.appPassword.replace(/'/g, "''")}'`;
          await owner.query(`${exists.length ? 'ALTER' : 'CREATE'} ROLE ${ident} LOGIN PASSWORD ${literal}`);
        }
        const member = await owner.query<unknown[]>(
          `SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
            WHERE r.rolname = 'gateway_app' AND u.rolname = $1`,
          [opts.appUser],
        );
        if (!member.length) await owner.query(`GRANT gateway_app TO "${opts.appUser.replace(/"/g, '""')}"`);
      }
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end().catch(() => undefined);
  }
}
