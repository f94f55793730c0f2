import { createHash, createHmac, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';

/** The Standard Webhooks headers of one delivery. */
export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Standard Webhooks signed content: `${id}.${timestamp}.${body}`. */
export function signedContent(id: string, timestamp: number, body: string): Buffer {
  return Buffer.from(`${id}.${timestamp}.${body}`, 'utf8');
}

/** `v1,` HMAC-SHA256 with a `whsec_` secret (the base64 after the prefix is the key). */
export function hmacSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key)
    .update(signedContent(id, timestamp, body))
    .digest('base64')}`;
}

/**
 * Signs deliveries per the Standard Webhooks specification. Asymmetric (`v1a,`): Ed25519 under
 * this instance's webhook key, whose public half is published in /.well-known/jwks.json (every
 * instance's, every rotation's: the table keeps them), so a receiver verifies with the published
 * keys and holds no secret. Symmetric (`v1,`): HMAC-SHA256 with the subscription's own secret.
 */
@Injectable()
export class WebhookSigner implements OnApplicationBootstrap {
  private key?: { kid: string; privateKey: KeyObject; publicJwk: Record<string, unknown> };

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'dataDir'>,
    private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const file = path.join(this.config.dataDir, 'keys', 'webhook-signing-key.jwk');
    let jwk: Record<string, unknown>;
    if (existsSync(file)) {
      jwk = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    } else {
      jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, JSON.stringify(jwk) + '\n', { mode: 0o600 });
    }
    const privateKey = createPrivateKey({ key: jwk as never, format: 'jwk' });
    const pub = { kty: 'OKP', crv: 'Ed25519', x: jwk.x as string };
    // The RFC 7638 thumbprint of the public key (members in lexicographic order) names it.
    const kid = `webhook-${createHash('sha256')
      .update(JSON.stringify({ crv: pub.crv, kty: pub.kty, x: pub.x }))
      .digest('base64url')
      .slice(0, 16)}`;
    const publicJwk = { ...pub, kid, alg: 'EdDSA', use: 'sig' };
    await this.db.query(
      `INSERT INTO gateway_signing_keys (kid, alg, public_jwk) VALUES ($1, 'EdDSA', $2) ON CONFLICT (kid) DO NOTHING`,
      [kid, JSON.stringify(publicJwk)],
    );
    this.key = { kid, privateKey, publicJwk };
  }

  get kid(): string {
    return this.required().kid;
  }

  /** The headers of one delivery of `body` (exact bytes sent) with message id `id`. */
  headers(id: string, body: string, scheme: 'v1' | 'v1a', secret: string | null, now = new Date()): WebhookHeaders {
    const timestamp = Math.floor(now.getTime() / 1000);
    const signature =
      scheme === 'v1'
        ? hmacSignature(secret!, id, timestamp, body)
        : `v1a,${sign(null, signedContent(id, timestamp, body), this.required().privateKey).toString('base64')}`;
    return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
  }

  private required() {
    if (!this.key) throw new Error('the webhook signing key is not loaded yet');
    return this.key;
  }
}
