import type { Organisation } from './organisation.js';

export interface OrganisationRepository {
  findById(id: string): Promise<Organisation | null>;
  list(): Promise<Organisation[]>;
  /** Inserts a new organisation with its keys; throws AlreadyExists on a duplicate id. */
  insert(org: Organisation): Promise<void>;
  /** Persists key additions and revocations of an existing organisation. */
  saveKeys(org: Organisation): Promise<void>;
}

export const ORGANISATION_REPOSITORY = Symbol('ORGANISATION_REPOSITORY');
