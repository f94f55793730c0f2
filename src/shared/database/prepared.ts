import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

const texts = new Map<string, string>();

/** SQL on an open transaction (a Transaction, an OutboxSql): anything with `query`. */
interface OpenTransaction {
  query(text: string, params?: unknown[]): Promise<unknown>;
}
const unprepared = new WeakSet<DataSource>();

/**
 * Makes every PreparedStatement run on this data source as an unnamed statement (parsed and
 * planned on every call): for a connection pooler that cannot keep named statements per server
 * connection (PgBouncer in transaction mode before 1.21), and for measuring what preparing saves.
 */
export function withoutPreparedStatements(db: DataSource): void {
  unprepared.add(db);
}

/** False once withoutPreparedStatements(db): a connection of that database's own (the outbox's publisher) then prepares nothing either. */
export function preparesStatements(db: DataSource): boolean {
  return !unprepared.has(db);
}

/**
 * A statement that each pooled connection has PostgreSQL parse and plan once, then only binds
 * and executes (a named prepared statement; node-postgres prepares it on a connection's first
 * use, again on a new connection after a failover). For the statements every request runs: an
 * unnamed statement is parsed and planned on every call, which measured four times the server's
 * CPU of the execution itself for the case read (190 against 44 us, and 84 against 36 us here).
 *
 * The name identifies the text: one name for two texts is refused when the second is declared.
 */
export class PreparedStatement {
  constructor(
    readonly name: string,
    readonly text: string,
  ) {
    const known = texts.get(name);
    if (known !== undefined && known !== text) throw new Error(`prepared statement ${name} declared with two texts`);
    texts.set(name, text);
  }

  /**
   * Runs it and answers the rows: on a connection of the data source's pool, or inside the open
   * transaction `on` (a TypeORM EntityManager of `DataSource.transaction()`), on that
   * transaction's connection. Anything else with `query` gets the text as an unnamed statement.
   */
  async rows<T>(on: DataSource | OpenTransaction, values: readonly unknown[]): Promise<T[]> {
    if (on instanceof DataSource) {
      const pool = (on.driver as PostgresDriver).master as pg.Pool;
      const result = await pool.query<T & pg.QueryResultRow>(this.config(on, values));
      return result.rows;
    }
    const runner = (on as Partial<EntityManager>).queryRunner;
    if (!runner || runner.isReleased) return (await on.query(this.text, [...values])) as T[];
    // The runner's own connection, so the statement is part of its transaction.
    const client = (await runner.connect()) as pg.PoolClient;
    const result = await client.query<T & pg.QueryResultRow>(this.config(runner.connection, values));
    return result.rows;
  }

  private config(db: DataSource, values: readonly unknown[]): pg.QueryConfig {
    return unprepared.has(db)
      ? { text: this.text, values: [...values] }
      : { name: this.name, text: this.text, values: [...values] };
  }
}
