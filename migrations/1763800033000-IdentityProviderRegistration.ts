import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisations register their identity provider through the API (issue 15):
 *
 * - identity_providers.client_auth: how the gateway authenticates to the IdP's token endpoint.
 *   Only `private_key_jwt` (the gateway's own signing key, published at /.well-known/jwks.json):
 *   the gateway never holds a client secret.
 * - gateway_app may DELETE a registration (an organisation withdraws its IdP).
 */
export class IdentityProviderRegistration1763800033000 implements MigrationInterface {
  name = 'IdentityProviderRegistration1763800033000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE identity_providers ADD COLUMN client_auth text NOT NULL DEFAULT 'private_key_jwt'
         CONSTRAINT identity_providers_client_auth CHECK (client_auth IN ('private_key_jwt'))`,
    );
    await q.query(`GRANT DELETE ON identity_providers TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE DELETE ON identity_providers FROM gateway_app`);
    await q.query(`ALTER TABLE identity_providers DROP COLUMN client_auth`);
  }
}
