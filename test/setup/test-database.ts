import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Written by global-setup: where the test cluster runs. Never under DATA_DIR. */
export interface TestCluster {
  ownerUrl: string;
  appUser: string;
  appPassword: string;
  port: number;
  dir: string;
  template: string;
}

export const CLUSTER_FILE = path.join(
  os.tmpdir(),
  `probation-gateway-test-cluster-${process.getuid?.() ?? 0}-${process.env.JEST_RUN_ID ?? 'default'}.json`,
);

export function readCluster(): TestCluster {
  if (!existsSync(CLUSTER_FILE)) throw new Error('test cluster not started: run tests through jest (global-setup)');
  return JSON.parse(readFileSync(CLUSTER_FILE, 'utf8')) as TestCluster;
}

export function urlFor(base: string, database: string, user?: { name: string; password: string }): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  if (user) {
    u.username = encodeURIComponent(user.name);
    u.password = encodeURIComponent(user.password);
  }
  return u.toString();
}

/** A fresh database cloned from the migrated template: each test file gets its own. */
export async function createTestDatabase(
  prefix = 't',
): Promise<{ name: string; appUrl: string; ownerUrl: string; drop: () => Promise<void> }> {
  const c = readCluster();
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: c.ownerUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${c.template}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    appUrl: urlFor(c.ownerUrl, name, { name: c.appUser, password: c.appPassword }),
    ownerUrl: urlFor(c.ownerUrl, name),
    drop: async () => {
      const a = new pg.Client({ connectionString: c.ownerUrl });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}
