import type { Transaction } from '@shared/database/transaction.js';
import type { PersonKey, PersonKeyHolder } from './person-key.js';

/** More writes of the same change, in its transaction (for example its access-log intent). */
export type Alongside = (tx: Transaction) => Promise<void>;

export interface PersonKeyRepository {
  /** One personal key of `orgId`, whatever its state; null when `orgId` has none of that kid. */
  find(orgId: string, kid: string): Promise<PersonKey | null>;
  /** The personal keys of `orgId`, newest first; only `holder`'s when given. */
  list(orgId: string, holder?: Pick<PersonKeyHolder, 'issuer' | 'sub'>): Promise<PersonKey[]>;
  /**
   * Records a new pending key. Throws PersonKeyExists when the kid is registered already, and
   * PersonKeyLimit when its holder already has `max` pending or active keys for that role
   * (counted under a lock on the organisation, so concurrent registrations cannot pass it together).
   */
  insert(key: PersonKey, max: number, alongside?: Alongside): Promise<void>;
  /**
   * Persists an approval or revocation, with `alongside` in the same transaction; a key revoked
   * meanwhile stays revoked (state conflict, nothing written).
   */
  save(key: PersonKey, alongside?: Alongside): Promise<void>;
}

export const PERSON_KEY_REPOSITORY = Symbol('PERSON_KEY_REPOSITORY');
