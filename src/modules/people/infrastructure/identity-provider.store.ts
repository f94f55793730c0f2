import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ClaimMapping } from '../domain/claim-mapping.js';
import { IdentityProviders, type IdentityProvider } from '../domain/identity-providers.port.js';

const SELECT = `SELECT p.org_id AS "orgId", o.kind AS "orgKind", o.name AS "orgName", p.issuer, p.client_id AS "clientId",
                       p.claim_mapping AS mapping, p.revision
                  FROM identity_providers p JOIN organisations o ON o.id = p.org_id AND o.status = 'ACTIVE'`;

/** Registered identity providers of active organisations, in PostgreSQL. */
@Injectable()
export class IdentityProviderStore extends IdentityProviders {
  constructor(private readonly db: DataSource) {
    super();
  }

  async get(orgId: string): Promise<IdentityProvider | null> {
    const [row] = await this.db.query<IdentityProvider[]>(`${SELECT} WHERE p.org_id = $1`, [orgId]);
    return row ?? null;
  }

  list(): Promise<IdentityProvider[]> {
    return this.db.query<IdentityProvider[]>(`${SELECT} ORDER BY o.name`);
  }

  async register(reg: { orgId: string; issuer: string; clientId: string; mapping: ClaimMapping }): Promise<void> {
    await this.db.query(
      `INSERT INTO identity_providers (org_id, issuer, client_id, claim_mapping) VALUES ($1, $2, $3, $4)
       ON CONFLICT (org_id) DO UPDATE SET issuer = EXCLUDED.issuer, client_id = EXCLUDED.client_id,
         claim_mapping = EXCLUDED.claim_mapping, revision = identity_providers.revision + 1, updated_at = now()
       WHERE (identity_providers.issuer, identity_providers.client_id, identity_providers.claim_mapping)
             IS DISTINCT FROM (EXCLUDED.issuer, EXCLUDED.client_id, EXCLUDED.claim_mapping)`,
      [reg.orgId, reg.issuer, reg.clientId, JSON.stringify(reg.mapping)],
    );
  }
}
