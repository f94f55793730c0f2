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

interface Entry {
  at: number;
  value: ResolvedOrganisationKey | null;
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
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, { generation: number; value: Promise<ResolvedOrganisationKey | null> }>();
  /** Rotations announced to this instance so far (see invalidate). */
  private generation = 0;
  private readonly rows = new Map<string, { at: number; value: Promise<RegisteredKey | null> }>();

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORGANISATION_REPOSITORY) private readonly repo: OrganisationRepository,
  ) {}

  /** Key `kid` of `orgId` as stored (its added and revoked instants), whatever the organisation's status; null when none. */
  async registered(orgId: string, kid: string): Promise<RegisteredKey | null> {
    const id = `${orgId}\u0000${kid}`;
    const hit = this.rows.get(id);
    if (hit && performance.now() - hit.at < this.config.keyCacheTtlMs) return hit.value;
    const value = this.loadRegistered(orgId, kid);
    if (this.rows.size > 10_000) this.rows.clear();
    const entry = { at: performance.now(), value };
    this.rows.set(id, entry);
    // Concurrent look-ups share the read; a miss or a failed read is not kept.
    void value.then(
      (found) => found === null && this.rows.get(id) === entry && this.rows.delete(id),
      () => this.rows.get(id) === entry && this.rows.delete(id),
    );
    return value;
  }

  async findActiveKey(orgId: string, kid: string): Promise<ResolvedOrganisationKey | null> {
    const id = `${orgId}\u0000${kid}`;
    const hit = this.entries.get(id);
    if (hit && performance.now() - hit.at < this.config.keyCacheTtlMs) return hit.value;
    let read = this.inflight.get(id);
    if (!read) {
      const r = { generation: this.generation, value: this.load(orgId, kid) };
      const done = () => this.inflight.get(id) === r && this.inflight.delete(id);
      r.value.then(done, done);
      this.inflight.set(id, r);
      read = r;
    }
    const value = await read.value;
    // A read begun before a rotation was announced here answers those who asked before it, and is not kept.
    if (read.generation === this.generation) {
      if (this.entries.size > 10_000) this.entries.clear();
      this.entries.set(id, { at: performance.now(), value });
    }
    return value;
  }

  handle(e: OrganisationKeysRotatedEvent): void {
    this.invalidate(e.orgId);
  }

  /** Forgets `orgId`'s keys, and any read of them begun before now: the next look-up reads them again. */
  invalidate(orgId: string): void {
    this.generation++;
    for (const map of [this.entries, this.rows, this.inflight])
      for (const k of map.keys()) if (k.startsWith(`${orgId}\u0000`)) map.delete(k);
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
