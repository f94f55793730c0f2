import type { PrunedEntry } from './entry-view.js';
import type { LogScope } from './log-scope.js';
import type { NodeKey, StoredNode } from './merkle/index.js';

/** Search criteria over the indexed columns; every member narrows the result. */
export interface AccessLogFilter {
  crn?: string;
  /** The acting organisation. */
  org?: string;
  /** The acting person or system (`sub`). */
  actor?: string;
  purpose?: string;
  decision?: 'ALLOW' | 'DENY';
  action?: string;
  from?: Date;
  /** Inclusive. */
  to?: Date;
}

/** An entry as stored: its canonical bytes, or (once its body was pruned) what is kept of it. */
export type EntryRow =
  | {
      index: number;
      /** The stored canonical bytes, exactly as hashed. */
      bytes: Buffer;
      pruned?: undefined;
    }
  | { index: number; bytes: null; pruned: PrunedEntry };

export type EntryWithOrgs = EntryRow & {
  leafHash: Buffer;
  actorOrg: string;
  ownerOrg: string | null;
  recipientOrg: string | null;
};

/**
 * Reads of the access-log tables, for searches, entries and proofs. The application layer
 * depends on this port; the PostgreSQL adapter in infrastructure/ implements it.
 */
export abstract class AccessLogReader {
  /** Entries matching the filter inside the scope, newest first, with indices below `before`. */
  abstract search(scope: LogScope, filter: AccessLogFilter, limit: number, before?: number): Promise<EntryRow[]>;

  /** One entry with its leaf hash and the organisations it names; null when there is none. */
  abstract entry(index: number): Promise<EntryWithOrgs | null>;

  /** The log's size and the stored hashes of the given subtrees, in one snapshot: what a proof needs. */
  abstract sizeAndNodes(keys: readonly NodeKey[]): Promise<{ size: number; nodes: StoredNode[] }>;
}
