import type { OrgKind } from '@shared/auth/roles.js';
import type { PublicJwk } from '@shared/crypto/jwk.js';
import { OrganisationException, OrganisationExceptionCode } from './organisation.exception.js';

export type OrganisationStatus = 'ACTIVE' | 'SUSPENDED';

/** One registered key and its history. Keys are never deleted, only revoked. */
export interface OrganisationKey {
  kid: string;
  jwk: PublicJwk;
  thumbprint: string;
  addedAt: Date;
  revokedAt: Date | null;
}

/** The operator's own organisation id: it exists from the first start and cannot be registered. */
export const OPERATOR_ORG_ID = 'gateway';

/**
 * A partner organisation (an NPS region, a CRC, a police force) or the operator, with the public
 * keys it signs with.
 */
export class Organisation {
  private constructor(
    readonly id: string,
    readonly kind: OrgKind,
    readonly name: string,
    readonly region: string,
    readonly status: OrganisationStatus,
    private readonly _keys: OrganisationKey[],
    readonly createdAt: Date,
  ) {}

  static register(p: {
    id: string;
    kind: OrgKind;
    name: string;
    region: string;
    keys: { jwk: PublicJwk; thumbprint: string }[];
    now: Date;
  }): Organisation {
    if (p.kind === 'GATEWAY' && p.id !== OPERATOR_ORG_ID) {
      throw new OrganisationException(
        OrganisationExceptionCode.ReservedId,
        'Only the operator organisation "gateway" has kind GATEWAY.',
      );
    }
    Organisation.assertDistinctKids(p.keys.map((k) => k.jwk.kid));
    if (p.keys.length === 0)
      throw new OrganisationException(
        OrganisationExceptionCode.NoActiveKey,
        'An organisation needs at least one key.',
        [{ field: 'jwks.keys', message: 'must contain at least one key' }],
      );
    const keys = p.keys.map((k) => ({
      kid: k.jwk.kid,
      jwk: k.jwk,
      thumbprint: k.thumbprint,
      addedAt: p.now,
      revokedAt: null,
    }));
    return new Organisation(p.id, p.kind, p.name, p.region, 'ACTIVE', keys, p.now);
  }

  /** The operator organisation; it may start without keys until BOOTSTRAP_ADMIN_JWKS provides some. */
  static createOperator(keys: { jwk: PublicJwk; thumbprint: string }[], now: Date): Organisation {
    Organisation.assertDistinctKids(keys.map((k) => k.jwk.kid));
    const rows = keys.map((k) => ({
      kid: k.jwk.kid,
      jwk: k.jwk,
      thumbprint: k.thumbprint,
      addedAt: now,
      revokedAt: null,
    }));
    return new Organisation(OPERATOR_ORG_ID, 'GATEWAY', 'Gateway operator', 'England and Wales', 'ACTIVE', rows, now);
  }

  static restore(p: {
    id: string;
    kind: OrgKind;
    name: string;
    region: string;
    status: OrganisationStatus;
    keys: OrganisationKey[];
    createdAt: Date;
  }): Organisation {
    return new Organisation(p.id, p.kind, p.name, p.region, p.status, p.keys, p.createdAt);
  }

  get keys(): readonly OrganisationKey[] {
    return this._keys;
  }

  get activeKeys(): OrganisationKey[] {
    return this._keys.filter((k) => k.revokedAt === null);
  }

  /**
   * Replaces the active key set: keys left out are revoked from `now`, new kids are added. A kid
   * keeps its key material forever, so a kid that was used for another key, or revoked, cannot
   * come back (a verifier holding old signatures must never see one kid mean two keys).
   */
  rotateKeys(next: { jwk: PublicJwk; thumbprint: string }[], now: Date): { added: string[]; revoked: string[] } {
    Organisation.assertDistinctKids(next.map((k) => k.jwk.kid));
    if (next.length === 0)
      throw new OrganisationException(OrganisationExceptionCode.NoActiveKey, 'At least one key must stay active.', [
        { field: 'keys', message: 'must contain at least one key' },
      ]);
    const added: string[] = [];
    next.forEach((k, i) => {
      const existing = this._keys.find((e) => e.kid === k.jwk.kid);
      if (!existing) return added.push(k.jwk.kid);
      if (existing.thumbprint !== k.thumbprint) {
        throw new OrganisationException(
          OrganisationExceptionCode.KidReused,
          `kid "${k.jwk.kid}" already names a different key.`,
          [{ field: `keys[${i}].kid`, message: 'already names a different key' }],
        );
      }
      if (existing.revokedAt !== null) {
        throw new OrganisationException(
          OrganisationExceptionCode.KidReused,
          `kid "${k.jwk.kid}" was revoked and cannot be reinstated; register the key under a new kid.`,
          [{ field: `keys[${i}].kid`, message: 'was revoked' }],
        );
      }
    });
    const keep = new Set(next.map((k) => k.jwk.kid));
    const revoked: string[] = [];
    for (const k of this._keys) {
      if (k.revokedAt === null && !keep.has(k.kid)) {
        k.revokedAt = now;
        revoked.push(k.kid);
      }
    }
    for (const k of next)
      if (added.includes(k.jwk.kid))
        this._keys.push({ kid: k.jwk.kid, jwk: k.jwk, thumbprint: k.thumbprint, addedAt: now, revokedAt: null });
    return { added, revoked };
  }

  private static assertDistinctKids(kids: string[]): void {
    const seen = new Set<string>();
    kids.forEach((kid, i) => {
      if (seen.has(kid))
        throw new OrganisationException(OrganisationExceptionCode.DuplicateKid, `kid "${kid}" appears twice.`, [
          { field: `keys[${i}].kid`, message: 'must be unique' },
        ]);
      seen.add(kid);
    });
  }
}
