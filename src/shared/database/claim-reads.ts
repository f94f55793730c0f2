import { Injectable } from '@nestjs/common';
import { requestContext } from '@shared/observability/request-context.js';

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** A registered read: `sql` answers at most one row for the key `$key` (text); `key` is the form a key must have. */
export interface ClaimRead {
  name: string;
  sql: string;
  key: RegExp;
}

/**
 * Rows a signed request's token claim reads for the request in its own statement, so that the
 * request's first read of that row costs no round trip to PostgreSQL of its own (on this
 * machine a round trip costs both processes more CPU than the read itself: README, Performance).
 *
 * A module registers a read by name: SQL answering at most one row for a key, which it names
 * `$key` (the key as text), and the form a key must have (a key of another form is never read,
 * so the SQL may cast it). A route names the read it starts with and where its key is
 * (@ReadsWithClaim). The replay store's claim statement, which starts after the request arrived,
 * reads the row in the same snapshot as the claim and the state counters, and leaves it, or that
 * there is none, in the request's context. The module's own load takes it from there once
 * (takeClaimedRow) instead of reading: what that load answers is the row as it was after the
 * request arrived, as a read of its own at that moment would have answered.
 *
 * The row comes as JSON (to_jsonb of the read's row): the taker turns its timestamps back into
 * dates. Every signed request's claim runs these reads, so a read whose SQL fails fails every
 * signed request: register only SQL over tables a migration creates, with at most one row per key.
 *
 * The read is made while the token is claimed, before the route's later checks: not for a caller
 * whose roles the route's @Roles refuse (the guard asks for no read then), but for one the
 * organisation's rate limit or a policy then turns away, whose answer never depends on the row.
 */
@Injectable()
export class ClaimReads {
  private readonly registered = new Map<string, ClaimRead>();
  private listed: readonly ClaimRead[] = [];

  register(name: string, read: { sql: string; key: RegExp }): void {
    if (!NAME.test(name)) throw new Error(`claim read name ${JSON.stringify(name)} is not a lower-case word`);
    if (!/\$key\b/.test(read.sql)) throw new Error(`claim read ${name} does not name its key ($key)`);
    // Its text goes into the claim statement, whose own parameters are $1, $2, ...
    if (/\$(?!key\b)/.test(read.sql)) throw new Error(`claim read ${name} has a parameter other than $key`);
    // A global or sticky pattern remembers where it last matched, and would refuse good keys.
    if (read.key.global || read.key.sticky) throw new Error(`claim read ${name}'s key pattern is global or sticky`);
    const known = this.registered.get(name);
    if (known !== undefined && (known.sql !== read.sql || String(known.key) !== String(read.key)))
      throw new Error(`claim read ${name} registered with two texts`);
    this.registered.set(name, { name, sql: read.sql, key: read.key });
    this.listed = [...this.registered.values()];
  }

  /** The registered reads, in the order they were registered: the same array until the next registration. */
  list(): readonly ClaimRead[] {
    return this.listed;
  }

  /** `key` when read `name` is registered and the key has its form; otherwise null (nothing is read). */
  keyFor(name: string, key: unknown): string | null {
    const read = this.registered.get(name);
    return read && typeof key === 'string' && read.key.test(key) ? key : null;
  }
}

/**
 * The row read `name` found for `key` in the current request's token claim, once: `{ row }` (null
 * when there is no such row) the first time it is asked for, undefined after that, for another
 * key, outside a signed request, or where the route reads nothing with its claim. Undefined means
 * read it yourself.
 */
export function takeClaimedRow<T>(name: string, key: string): { row: T | null } | undefined {
  const rows = requestContext.getStore()?.rows;
  const found = rows?.[name];
  if (!found || found.key !== key) return undefined;
  delete rows[name];
  return { row: found.row as T | null };
}
