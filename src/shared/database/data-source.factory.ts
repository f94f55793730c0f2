import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * pg emits 'error' on a client whose server connection dies. TypeORM listens only while a query
 * runner holds the client, and pg-pool only while it is idle: a client whose backend is
 * terminated just as it is released (a connection killed mid-transaction) emits with nobody
 * listening, which crashes the process. So every client the pool makes (pg-pool's `Client`
 * option) listens from birth; the failure itself is reported by the query that hit it.
 */
class ListenedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}

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
 */
export function buildDataSource(p: DataSourceParams): DataSource {
  return new DataSource({
    type: 'postgres',
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
      Client: ListenedClient,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30_000,
      statement_timeout: p.statementTimeoutMs,
      query_timeout: p.statementTimeoutMs + 1000,
      idle_in_transaction_session_timeout: Math.max(p.statementTimeoutMs * 2, 10_000),
      keepAlive: true,
    },
  });
}
