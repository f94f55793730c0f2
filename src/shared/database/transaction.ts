/**
 * A change's open transaction as every writer sees it: SQL that commits or rolls back with the
 * change. Repositories open it (`transaction(work)`) and hand it to each write of the change, the
 * access log's intent and the outbox's events included. A TypeORM EntityManager inside
 * `DataSource.transaction()` is one.
 */
export interface Transaction {
  query<T = unknown>(text: string, params?: unknown[]): Promise<T>;
}
