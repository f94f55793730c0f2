import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default async function globalTeardown() {
  const file = path.join(
    os.tmpdir(),
    `probation-gateway-test-cluster-${process.getuid?.() ?? 0}-${process.env.JEST_RUN_ID}.json`,
  );
  const server = globalThis.__PG__;
  if (server) await server.stop('immediate');
  const dir = globalThis.__PG_DIR__ ?? JSON.parse(readFileSync(file, 'utf8')).dir;
  rmSync(dir, { recursive: true, force: true });
  rmSync(file, { force: true });
}
