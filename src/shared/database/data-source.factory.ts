import { DataSource, type MixedList, type EntitySchema } from 'typeorm';

export interface DataSourceParams {
  url: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations?: MixedList<Function | string>;
  poolSize: number;
  statementTimeoutMs: number;
  applicationName: string;
  onPoolError?: (err: Error) => void;
}

/**
 * Builds the TypeORM data source. Never `synchronize`: the schema is what migrations/ says.
 * Connection failures must surface quickly as errors (and so as 503), never hang a request.
 */
export function buildDataSource(p: DataSourceParams): DataSource {
  return new DataSource({
    type: 'postgres',
    url: p.url,
    entities: p.entities,
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
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30_000,
      statement_timeout: p.statementTimeoutMs,
      query_timeout: p.statementTimeoutMs + 1000,
      idle_in_transaction_session_timeout: Math.max(p.statementTimeoutMs * 2, 10_000),
      keepAlive: true,
    },
  });
}
