import type { Organisation, OrganisationKey } from './organisation.js';

export interface OrganisationRepository {
  findById(id: string): Promise<Organisation | null>;
  /** One key of an organisation, revoked or not (one read: signature checks need no more). */
  findKey(orgId: string, kid: string): Promise<OrganisationKey | null>;
  list(): Promise<Organisation[]>;
  /** Inserts a new organisation with its keys; throws AlreadyExists on a duplicate id. */
  insert(org: Organisation): Promise<void>;
  /** Persists key additions and revocations of an existing organisation. */
  saveKeys(org: Organisation): Promise<void>;
}

export const ORGANISATION_REPOSITORY = Symbol('ORGANISATION_REPOSITORY');
