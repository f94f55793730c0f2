import { buildDataSource } from '@shared/database/data-source.factory.js';
import { migrations } from '../migrations/index.js';

/** The one data source definition, for the app (as the least-privileged role) and for migrations (as the owner). */
export function createDataSource(
  url: string,
  opts: { poolSize?: number; statementTimeoutMs?: number; onPoolError?: (e: Error) => void; name?: string } = {},
) {
  return buildDataSource({
    url,
    migrations,
    poolSize: opts.poolSize ?? 4,
    statementTimeoutMs: opts.statementTimeoutMs ?? 60_000,
    applicationName: opts.name ?? 'probation-gateway',
    onPoolError: opts.onPoolError,
  });
}
