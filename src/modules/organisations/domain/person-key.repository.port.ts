import type { PersonKey, PersonKeyHolder } from './person-key.js';

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
  insert(key: PersonKey, max: number): Promise<void>;
  /** Persists an approval or revocation; a key revoked meanwhile stays revoked (state conflict). */
  save(key: PersonKey): Promise<void>;
}

export const PERSON_KEY_REPOSITORY = Symbol('PERSON_KEY_REPOSITORY');
