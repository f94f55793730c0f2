import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GatewaySigner } from '@shared/crypto/gateway-signer.js';

/**
 * Publishes the public half of every gateway signing key ever used (all instances, all
 * rotations), so anything the gateway signed stays verifiable from /.well-known/jwks.json.
 */
@Injectable()
export class GatewayKeysService implements OnApplicationBootstrap {
  private cache?: { at: number; keys: Record<string, unknown>[] };

  constructor(
    private readonly db: DataSource,
    private readonly signer: GatewaySigner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.db.query(
      `INSERT INTO gateway_signing_keys (kid, alg, public_jwk) VALUES ($1, $2, $3) ON CONFLICT (kid) DO NOTHING`,
      [this.signer.kid, this.signer.alg, JSON.stringify(this.signer.publicJwk)],
    );
  }

  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    if (this.cache && Date.now() - this.cache.at < 10_000) return { keys: this.cache.keys };
    const rows: { public_jwk: Record<string, unknown> }[] = await this.db.query(
      `SELECT public_jwk FROM gateway_signing_keys ORDER BY created_at DESC`,
    );
    const keys = rows.map((r) => r.public_jwk);
    if (!keys.some((k) => k.kid === this.signer.kid)) keys.unshift(this.signer.publicJwk);
    this.cache = { at: Date.now(), keys };
    return { keys };
  }
}
