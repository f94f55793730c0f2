import { Inject, Injectable } from '@nestjs/common';
import type { OrgKind } from '@shared/auth/roles.js';
import { importPublicJwk, type PublicJwk } from '@shared/crypto/jwk.js';
import { ORGANISATION_REPOSITORY, type OrganisationRepository } from './domain/organisation.repository.port.js';

export interface OrganisationSummary {
  id: string;
  kind: OrgKind;
  name: string;
  region: string;
  status: 'ACTIVE' | 'SUSPENDED';
}

/** What other modules may ask of the registry (through index.ts). */
@Injectable()
export class OrganisationDirectory {
  /** Kind, name and region hardly ever change; a short cache keeps them off the hot path of every read. */
  private readonly cache = new Map<string, { at: number; value: OrganisationSummary | null }>();

  constructor(@Inject(ORGANISATION_REPOSITORY) private readonly repo: OrganisationRepository) {}

  async get(id: string): Promise<OrganisationSummary | null> {
    const hit = this.cache.get(id);
    if (hit && performance.now() - hit.at < 5000) return hit.value;
    const o = await this.repo.findById(id);
    const value: OrganisationSummary | null = o
      ? { id: o.id, kind: o.kind, name: o.name, region: o.region, status: o.status }
      : null;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(id, { at: performance.now(), value });
    return value;
  }

  async list(): Promise<OrganisationSummary[]> {
    return (await this.repo.list()).map((o) => ({
      id: o.id,
      kind: o.kind,
      name: o.name,
      region: o.region,
      status: o.status,
    }));
  }

  /**
   * The key `kid` of `orgId` as it stood at `at` (active then), for verifying a signature made
   * at that time; null when no such key was active.
   */
  async keyAt(orgId: string, kid: string, at: Date): Promise<{ jwk: PublicJwk; key: CryptoKey } | null> {
    // Read fresh (a revocation counts at once); the import is cached by importPublicJwk.
    const k = await this.repo.findKey(orgId, kid);
    return k && k.addedAt <= at && (k.revokedAt === null || k.revokedAt > at)
      ? { jwk: k.jwk, key: await importPublicJwk(k.jwk) }
      : null;
  }
}
