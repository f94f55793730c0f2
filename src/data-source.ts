import { buildDataSource } from '@shared/database/data-source.factory.js';
import { organisationEntities } from '@modules/organisations/index.js';
import { agreementEntities } from '@modules/agreements/index.js';
import { migrations } from '../migrations/index.js';

/** Every TypeORM entity of every module. */
export const entities = [...organisationEntities, ...agreementEntities];

/** The one data source definition, for the app (as the least-privileged role) and for migrations (as the owner). */
export function createDataSource(
  url: string,
  opts: { poolSize?: number; statementTimeoutMs?: number; onPoolError?: (e: Error) => void; name?: string } = {},
) {
  return buildDataSource({
    url,
    entities,
    migrations,
    poolSize: opts.poolSize ?? 4,
    statementTimeoutMs: opts.statementTimeoutMs ?? 60_000,
    applicationName: opts.name ?? 'probation-gateway',
    onPoolError: opts.onPoolError,
  });
}
