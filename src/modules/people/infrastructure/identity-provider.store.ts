import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  IdentityProviders,
  type IdentityProvider,
  type IdentityProviderRegistration,
  type IdpTransaction,
} from '../domain/identity-providers.port.js';

const SELECT = `SELECT p.org_id AS "orgId", o.kind AS "orgKind", o.name AS "orgName", p.issuer, p.client_id AS "clientId",
                       p.client_auth AS "clientAuth", p.claim_mapping AS mapping, p.revision, p.updated_at AS "updatedAt"
                  FROM identity_providers p JOIN organisations o ON o.id = p.org_id`;

/** Registered identity providers, in PostgreSQL. */
@Injectable()
export class IdentityProviderStore extends IdentityProviders {
  constructor(private readonly db: DataSource) {
    super();
  }

  async get(orgId: string): Promise<IdentityProvider | null> {
    const [row] = await this.db.query<IdentityProvider[]>(`${SELECT} WHERE p.org_id = $1 AND o.status = 'ACTIVE'`, [
      orgId,
    ]);
    return row ?? null;
  }

  list(): Promise<IdentityProvider[]> {
    return this.db.query<IdentityProvider[]>(`${SELECT} WHERE o.status = 'ACTIVE' ORDER BY o.name`);
  }

  async registrationOf(orgId: string): Promise<IdentityProvider | null> {
    const [row] = await this.db.query<IdentityProvider[]>(`${SELECT} WHERE p.org_id = $1`, [orgId]);
    return row ?? null;
  }

  transaction<T>(work: (tx: IdpTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((m) => work(m));
  }

  async register(
    reg: IdentityProviderRegistration,
    tx?: IdpTransaction,
  ): Promise<{ revision: number; changed: boolean; sessionsEnded: number }> {
    if (!tx) return this.transaction((t) => this.register(reg, t));
    // A row comes back only when something was inserted or changed.
    const changed = (await tx.query(
      `INSERT INTO identity_providers (org_id, issuer, client_id, client_auth, claim_mapping) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (org_id) DO UPDATE SET issuer = EXCLUDED.issuer, client_id = EXCLUDED.client_id,
         client_auth = EXCLUDED.client_auth, claim_mapping = EXCLUDED.claim_mapping,
         revision = identity_providers.revision + 1, updated_at = now()
       WHERE (identity_providers.issuer, identity_providers.client_id, identity_providers.client_auth, identity_providers.claim_mapping)
             IS DISTINCT FROM (EXCLUDED.issuer, EXCLUDED.client_id, EXCLUDED.client_auth, EXCLUDED.claim_mapping)
       RETURNING revision`,
      [reg.orgId, reg.issuer, reg.clientId, reg.clientAuth ?? 'private_key_jwt', JSON.stringify(reg.mapping)],
    )) as { revision: number }[];
    if (changed.length)
      return { revision: changed[0].revision, changed: true, sessionsEnded: await endAll(tx, reg.orgId) };
    const [row] = (await tx.query(`SELECT revision FROM identity_providers WHERE org_id = $1`, [reg.orgId])) as {
      revision: number;
    }[];
    return { revision: row.revision, changed: false, sessionsEnded: 0 };
  }

  async remove(orgId: string, tx?: IdpTransaction): Promise<{ removed: boolean; sessionsEnded: number }> {
    if (!tx) return this.transaction((t) => this.remove(orgId, t));
    const [, removed] = (await tx.query(`DELETE FROM identity_providers WHERE org_id = $1`, [orgId])) as [
      unknown,
      number,
    ];
    // Sessions end whether or not a registration was there: none may outlive its removal.
    return { removed: removed > 0, sessionsEnded: await endAll(tx, orgId) };
  }
}

/**
 * Ends every session and sign-in in flight of `orgId`. A new registration may start again at
 * revision 1 (after a removal), so sessions are ended here, not only refused by revision.
 */
async function endAll(tx: IdpTransaction, orgId: string): Promise<number> {
  await tx.query(`DELETE FROM sign_in_attempts WHERE org_id = $1`, [orgId]);
  const [, ended] = (await tx.query(`DELETE FROM person_sessions WHERE org_id = $1`, [orgId])) as [unknown, number];
  return ended;
}
