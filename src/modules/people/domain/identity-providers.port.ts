import type { OrgKind } from '@shared/auth/roles.js';
import type { ClaimMapping } from './claim-mapping.js';

/** How the gateway authenticates to an IdP's token endpoint: only with its own key (it holds no client secret). */
export const CLIENT_AUTH_METHODS = ['private_key_jwt'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** An organisation's registered identity provider, with what the sign-in needs of the organisation. */
export interface IdentityProvider {
  orgId: string;
  orgKind: OrgKind;
  orgName: string;
  issuer: string;
  clientId: string;
  clientAuth: ClientAuthMethod;
  mapping: ClaimMapping;
  revision: number;
  updatedAt: Date;
}

/** What an organisation registers. */
export interface IdentityProviderRegistration {
  orgId: string;
  issuer: string;
  clientId: string;
  clientAuth?: ClientAuthMethod;
  mapping: ClaimMapping;
}

/** Runs SQL on an open transaction. */
export interface IdpTransaction {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/** Where registered identity providers are kept (of ACTIVE organisations only, for sign-in). */
export abstract class IdentityProviders {
  abstract get(orgId: string): Promise<IdentityProvider | null>;

  /** By organisation name. */
  abstract list(): Promise<IdentityProvider[]>;

  /** The registration of `orgId` whatever the organisation's status (for its administrators). */
  abstract registrationOf(orgId: string): Promise<IdentityProvider | null>;

  /** Runs `work` in one transaction, which register and remove may join. */
  abstract transaction<T>(work: (tx: IdpTransaction) => Promise<T>): Promise<T>;

  /**
   * Registers or changes `orgId`'s identity provider. A change (anything registered differs)
   * moves the revision on and ends, in the same transaction, every session of the organisation
   * and every sign-in in flight; registering exactly what is registered changes nothing.
   */
  abstract register(
    reg: IdentityProviderRegistration,
    tx?: IdpTransaction,
  ): Promise<{ revision: number; changed: boolean; sessionsEnded: number }>;

  /** Removes `orgId`'s registration and ends every session and sign-in in flight of the organisation. */
  abstract remove(orgId: string, tx?: IdpTransaction): Promise<{ removed: boolean; sessionsEnded: number }>;
}
