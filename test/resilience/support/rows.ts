import pg from 'pg';

/** Tables whose rows a rejected request may legitimately write: the replay store and the access log. */
export const WRITABLE_BY_ANY_REQUEST = /^(request_tokens|access_log_.*)$/;

/**
 * A fingerprint of every row of every table except the replay store and the access log: per
 * table the row count and a sum of row hashes, so an INSERT, UPDATE or DELETE anywhere shows.
 */
export class RowSnapshots {
  private constructor(
    private readonly client: pg.Client,
    private readonly query: string,
    readonly tables: string[],
  ) {}

  static async open(ownerUrl: string): Promise<RowSnapshots> {
    const client = new pg.Client({ connectionString: ownerUrl });
    client.on('error', () => undefined);
    await client.connect();
    const tables = (
      await client.query<{ t: string }>(
        `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
      )
    ).rows
      .map((r) => r.t)
      .filter((t) => !WRITABLE_BY_ANY_REQUEST.test(t));
    const query = `SELECT ${tables.map((t) => `(SELECT count(*) || ':' || coalesce(sum(hashtext(x::text)), 0) FROM "${t}" x) AS "${t}"`).join(', ')}`;
    return new RowSnapshots(client, query, tables);
  }

  async take(): Promise<Record<string, string>> {
    return (await this.client.query(this.query)).rows[0] as Record<string, string>;
  }

  async logSize(): Promise<number> {
    return Number((await this.client.query<{ n: string }>('SELECT count(*) AS n FROM access_log_entries')).rows[0].n);
  }

  async newEntries(from: number): Promise<{ action: string; decision: string }[]> {
    return (
      await this.client.query<{ action: string; decision: string }>(
        'SELECT action, decision FROM access_log_entries WHERE idx >= $1 ORDER BY idx',
        [from],
      )
    ).rows;
  }

  static diff(a: Record<string, string>, b: Record<string, string>): string[] {
    return Object.keys(a).filter((k) => a[k] !== b[k]);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
