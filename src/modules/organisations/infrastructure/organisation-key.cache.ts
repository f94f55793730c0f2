import { Inject, Injectable } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { PreparedStatement } from '@shared/database/prepared.js';
import type { OrganisationKeyLookup, ResolvedOrganisationKey } from '@shared/auth/organisation-keys.port.js';
import type { OrgKind } from '@shared/auth/roles.js';
import { importPublicJwk, type PublicJwk } from '@shared/crypto/jwk.js';
import type { OrganisationKey } from '../domain/organisation.js';
import { ORGANISATION_REPOSITORY, type OrganisationRepository } from '../domain/organisation.repository.port.js';
import { OrganisationKeysRotatedEvent } from '../domain/organisation-keys-rotated.event.js';

const ACTIVE_KEY = new PreparedStatement(
  'organisations.active-key',
  `SELECT o.kind, k.jwk FROM organisation_keys k JOIN organisations o ON o.id = k.org_id
    WHERE k.org_id = $1 AND k.kid = $2 AND k.revoked_at IS NULL AND o.status = 'ACTIVE'`,
);

/** A look-up's answer, shared by every look-up while it is younger than the TTL. */
interface Entry<T> {
  at: number;
  value: Promise<T>;
}

/** A registered key as stored (active or revoked), with its imported form. */
export interface RegisteredKey {
  key: OrganisationKey;
  imported: CryptoKey;
}

/**
 * Answers key look-ups from memory, keyed by (organisation, kid): the guard's active keys, and
 * registered keys as stored for checking a signature made at some instant (`registered`, the
 * exchange request documents and agreement signatures). Imported keys are reused (importing per
 * verification costs 2-3x). An entry lives KEY_CACHE_TTL_MS (default 5 s): a rotation through
 * this instance drops its entries when its event is published (the event bus calls this handler
 * before publish returns), and on other instances a revoked key stops working within that bound.
 * A kid found nowhere is not kept by `registered`, so a key added through another instance
 * verifies there at once.
 */
@Injectable()
@EventsHandler(OrganisationKeysRotatedEvent)
export class OrganisationKeyCache implements OrganisationKeyLookup, IEventHandler<OrganisationKeysRotatedEvent> {
  private readonly active = new Map<string, Entry<ResolvedOrganisationKey | null>>();
  private readonly rows = new Map<string, Entry<RegisteredKey | null>>();

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORGANISATION_REPOSITORY) private readonly repo: OrganisationRepository,
  ) {}

  /** Key `kid` of `orgId` as stored (its added and revoked instants), whatever the organisation's status; null when none. */
  registered(orgId: string, kid: string): Promise<RegisteredKey | null> {
    return this.cached(
      this.rows,
      orgId,
      kid,
      () => this.loadRegistered(orgId, kid),
      (found) => found !== null,
    );
  }

  /** The active key `kid` of active organisation `orgId`; a miss is kept too. */
  findActiveKey(orgId: string, kid: string): Promise<ResolvedOrganisationKey | null> {
    return this.cached(
      this.active,
      orgId,
      kid,
      () => this.load(orgId, kid),
      () => true,
    );
  }

  handle(e: OrganisationKeysRotatedEvent): void {
    this.invalidate(e.orgId);
  }

  /** Forgets `orgId`'s keys, and any read of them begun before now: the next look-up reads them again. */
  invalidate(orgId: string): void {
    for (const map of [this.active, this.rows])
      for (const k of map.keys()) if (k.startsWith(`${orgId}\u0000`)) map.delete(k);
  }

  /**
   * The entry for (orgId, kid) in `map` while younger than the TTL, else a new `load`: concurrent
   * look-ups share one read. A failed read, or an answer `keep` refuses, is dropped when it
   * arrives; an entry dropped meanwhile (invalidate) is never put back, so a read begun before a
   * rotation answers only those who asked before it.
   */
  private cached<T>(
    map: Map<string, Entry<T>>,
    orgId: string,
    kid: string,
    load: () => Promise<T>,
    keep: (v: T) => boolean,
  ): Promise<T> {
    const id = `${orgId}\u0000${kid}`;
    const hit = map.get(id);
    if (hit && performance.now() - hit.at < this.config.keyCacheTtlMs) return hit.value;
    const entry = { at: performance.now(), value: load() };
    if (map.size > 10_000) map.clear();
    map.set(id, entry);
    const drop = () => map.get(id) === entry && map.delete(id);
    void entry.value.then((v) => keep(v) || drop(), drop);
    return entry.value;
  }

  private async loadRegistered(orgId: string, kid: string): Promise<RegisteredKey | null> {
    const key = await this.repo.findKey(orgId, kid);
    return key ? { key, imported: await importPublicJwk(key.jwk) } : null;
  }

  private async load(orgId: string, kid: string): Promise<ResolvedOrganisationKey | null> {
    const rows = await ACTIVE_KEY.rows<{ kind: OrgKind; jwk: PublicJwk }>(this.db, [orgId, kid]);
    if (!rows.length) return null;
    const jwk = rows[0].jwk;
    return { orgId, orgKind: rows[0].kind, kid, alg: jwk.alg, key: await importPublicJwk(jwk) };
  }
}
