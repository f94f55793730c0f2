import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLUSTER_FILE = path.join(os.tmpdir(), `probation-gateway-test-cluster-${process.getuid?.() ?? 0}-${process.env.JEST_RUN_ID ?? 'default'}.json`);

export default async function globalTeardown() {
  const server = globalThis.__PG__;
  const { dir } = JSON.parse(readFileSync(CLUSTER_FILE, 'utf8'));
  if (server) await server.stop('immediate');
  rmSync(dir, { recursive: true, force: true });
  rmSync(CLUSTER_FILE, { force: true });
}
