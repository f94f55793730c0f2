import { Injectable } from '@nestjs/common';
import { requestContext } from '@shared/observability/request-context.js';

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * Counters of shared state that a signed request's token claim reads in its own statement. A
 * counter is a one-row value that every change of that state bumps in the change's own
 * transaction (the agreements' `agreements_state.version`, for example); its module registers the
 * SQL that reads it as text. The replay store's claim statement, which starts after the request
 * arrived, reads every registered counter in the same snapshot as the claim and leaves the values
 * in the request's context. A cache consulted later in that request (`seenCounter`) thus knows of
 * every change committed before the request arrived, without a read of its own.
 *
 * Every signed request's claim runs these reads, so a counter whose SQL fails fails every signed
 * request: register only a read of a row that always exists (a migration creates it).
 */
@Injectable()
export class StateCounters {
  private readonly registered = new Map<string, string>();
  private listed: readonly { name: string; sql: string }[] = [];

  /** `sql` answers one row with one column: the counter as text. */
  register(name: string, sql: string): void {
    if (!NAME.test(name)) throw new Error(`state counter name ${JSON.stringify(name)} is not a lower-case word`);
    const known = this.registered.get(name);
    if (known !== undefined && known !== sql) throw new Error(`state counter ${name} registered with two texts`);
    this.registered.set(name, sql);
    this.listed = [...this.registered].map(([n, text]) => ({ name: n, sql: text }));
  }

  /** The registered counters, in the order they were registered: the same array until the next registration. */
  list(): readonly { name: string; sql: string }[] {
    return this.listed;
  }
}

/**
 * Counter `name` as a statement that started after the current request arrived read it (its
 * token claim); undefined outside a signed request, or before its claim was committed.
 */
export function seenCounter(name: string): string | undefined {
  return requestContext.getStore()?.counters?.[name];
}
