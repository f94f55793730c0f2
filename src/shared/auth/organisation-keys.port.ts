import type { OrgKind } from './roles.js';

/** A verification key registered for an organisation, ready for jose. */
export interface ResolvedOrganisationKey {
  orgId: string;
  orgKind: OrgKind;
  kid: string;
  alg: 'ES256' | 'EdDSA';
  key: CryptoKey;
}

/**
 * Port the guard uses to find an organisation's active key. Implemented by the organisations
 * module; results may be cached, but a revoked key must stop working within the documented bound.
 */
export interface OrganisationKeyLookup {
  /** The active key `kid` of active organisation `orgId`, or null. */
  findActiveKey(orgId: string, kid: string): Promise<ResolvedOrganisationKey | null>;
}

export const ORGANISATION_KEY_LOOKUP = Symbol('ORGANISATION_KEY_LOOKUP');
