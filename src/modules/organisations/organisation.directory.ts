import { Inject, Injectable } from '@nestjs/common';
import type { OrgKind } from '@shared/auth/roles.js';
import { importPublicJwk, type PublicJwk } from '@shared/crypto/jwk.js';
import { ORGANISATION_REPOSITORY, type OrganisationRepository } from './domain/organisation.repository.port.js';
import { PERSON_KID_PREFIX, type PersonKeyHolder } from './domain/person-key.js';
import { PERSON_KEY_REPOSITORY, type PersonKeyRepository } from './domain/person-key.repository.port.js';
import { OrganisationKeyCache } from './infrastructure/organisation-key.cache.js';

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

  constructor(
    @Inject(ORGANISATION_REPOSITORY) private readonly repo: OrganisationRepository,
    @Inject(PERSON_KEY_REPOSITORY) private readonly personKeys: PersonKeyRepository,
    private readonly keys: OrganisationKeyCache,
  ) {}

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
   * at that time; null when no such key was active. An approved personal key of one of the
   * organisation's people counts as its key too, and comes with its `holder`: the caller must
   * check the signer is that holder, for that use (`personKeyRefusal`). Organisation keys have
   * holder null. Request tokens are never checked with this (only with organisation keys).
   *
   * Personal keys are read fresh (a revocation counts at once). Organisation keys come through the
   * key cache under the bound request tokens have: a key revoked through this instance fails here
   * at once, through another within KEY_CACHE_TTL_MS; a key just added verifies at once everywhere.
   */
  async keyAt(
    orgId: string,
    kid: string,
    at: Date,
  ): Promise<{ jwk: PublicJwk; key: CryptoKey; holder: PersonKeyHolder | null } | null> {
    if (kid.startsWith(PERSON_KID_PREFIX)) {
      const p = await this.personKeys.find(orgId, kid);
      return p?.activeAt(at) ? { jwk: p.jwk, key: await importPublicJwk(p.jwk), holder: p.holder } : null;
    }
    const found = await this.keys.registered(orgId, kid);
    if (!found) return null;
    const k = found.key;
    return k.addedAt <= at && (k.revokedAt === null || k.revokedAt > at)
      ? { jwk: k.jwk, key: found.imported, holder: null }
      : null;
  }
}
