import type { Transaction } from '@shared/database/transaction.js';
import type { Breach, BreachVersion } from './breach.js';

/**
 * Port: the breach register's storage, inserts only. Every read takes the organisation, and a
 * breach of another organisation reads as no breach at all.
 */
export abstract class BreachRepository {
  /** Runs `work` in one transaction; a change and its access-log intent are written in it together. */
  abstract transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Inserts a new breach with its versions. */
  abstract insert(tx: Transaction, b: Breach): Promise<void>;
  abstract addVersion(tx: Transaction, id: string, v: BreachVersion): Promise<void>;
  /**
   * The breach with its versions, or null when the organisation has no such breach. With `tx`,
   * the breach is locked until `tx` ends, so two changes never race to one version number.
   */
  abstract get(org: string, id: string, tx?: Transaction): Promise<Breach | null>;
  /** The organisation's breaches, most recently discovered first, each with its versions. */
  abstract list(org: string, limit: number): Promise<Breach[]>;
  /**
   * Breaches whose ICO clock runs (the current version OPEN and not assessed as not reportable)
   * and whose deadline falls at or before `horizon`: those a reminder may be due for.
   */
  abstract clocksRunning(tx: Transaction, horizon: Date): Promise<{ id: string; org: string; icoDeadline: Date }[]>;
}
