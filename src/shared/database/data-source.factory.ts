import { DataSource, type DataSourceOptions } from 'typeorm';
import pg from 'pg';
import { pgConnection } from './pg-connection.js';

export interface DataSourceParams {
  url: string;
  migrations?: DataSourceOptions['migrations'];
  poolSize: number;
  statementTimeoutMs: number;
  applicationName: string;
  onPoolError?: (err: Error) => void;
}

/**
 * Builds the TypeORM data source. Never `synchronize`: the schema is what migrations/ says.
 * It maps no entities: every repository writes its SQL (see README, "Persistence").
 * Connection failures must surface quickly as errors (and so as 503), never hang a request.
 * A multi-host URL (target_session_attrs=read-write) reaches whichever server is primary; see
 * pgConnection. Throws PostgresUrlError for a URL it cannot use.
 */
export function buildDataSource(p: DataSourceParams): DataSource {
  // TypeORM hands `extra` to pg.Pool over what it read from the URL itself (one host only).
  const connection = pgConnection(p.url);
  return new DataSource({
    type: 'postgres',
    // The driver this code imports, not one TypeORM requires by name: in the one-file build that
    // would be a second node-postgres, loaded from node_modules at every start.
    driver: pg,
    url: p.url,
    entities: [],
    migrations: p.migrations ?? [],
    migrationsTableName: 'schema_migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    poolSize: p.poolSize,
    applicationName: p.applicationName,
    // node-postgres emits 'error' on an idle pooled client whose connection died; without a
    // listener that event would crash the process.
    poolErrorHandler: p.onPoolError ?? (() => undefined),
    extra: {
      ...connection,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30_000,
      statement_timeout: p.statementTimeoutMs,
      query_timeout: p.statementTimeoutMs + 1000,
      idle_in_transaction_session_timeout: Math.max(p.statementTimeoutMs * 2, 10_000),
      keepAlive: true,
    },
  });
}
