import type { OrgKind } from '@shared/auth/roles.js';
import type { ClaimMapping } from './claim-mapping.js';

/** An organisation's registered identity provider, with what the sign-in needs of the organisation. */
export interface IdentityProvider {
  orgId: string;
  orgKind: OrgKind;
  orgName: string;
  issuer: string;
  clientId: string;
  mapping: ClaimMapping;
  revision: number;
}

/** Where registered identity providers are kept (of ACTIVE organisations only). */
export abstract class IdentityProviders {
  abstract get(orgId: string): Promise<IdentityProvider | null>;

  /** By organisation name. */
  abstract list(): Promise<IdentityProvider[]>;

  /**
   * Registers or changes `orgId`'s identity provider. A change moves the revision on, which ends
   * every session opened under the old registration.
   */
  abstract register(reg: { orgId: string; issuer: string; clientId: string; mapping: ClaimMapping }): Promise<void>;
}
