import type { Principal } from '@shared/auth/principal.js';
import type { Role } from '@shared/auth/roles.js';
import type { PublicJwk } from '@shared/crypto/jwk.js';
import { OrganisationException, OrganisationExceptionCode } from './organisation.exception.js';

/** Every personal key's kid starts with this; an organisation's own (system) keys may not. */
export const PERSON_KID_PREFIX = 'person-';

/** What a personal key may sign. */
export type PersonKeyUse = 'agreement-signature' | 'exchange-request';

/** The roles whose holders may have a personal key, and what that key signs. */
export const PERSON_KEY_ROLES: Readonly<Partial<Record<Role, PersonKeyUse>>> = {
  'dsa-signatory': 'agreement-signature',
  'iom-officer': 'exchange-request',
  'offender-manager': 'exchange-request',
  'mappa-coordinator': 'exchange-request',
};

/** At most this many pending or approved keys per person and role: a lost browser makes a new one. */
export const MAX_LIVE_KEYS_PER_PERSON = 5;

export type PersonKeyStatus = 'PENDING' | 'ACTIVE' | 'REVOKED';

/** The person a key is bound to: their organisation, identity provider and subject there. */
export interface PersonKeyHolder {
  org: string;
  issuer: string;
  /** As the principal names them (`user:<IdP sub>`). */
  sub: string;
  name: string | null;
  role: Role;
}

/**
 * A personal signing key: made in a person's browser (the gateway only ever sees its public
 * half), bound to that person and one of their roles, usable only once the organisation's own
 * system approved it, and never again once revoked.
 */
export class PersonKey {
  private constructor(
    readonly kid: string,
    readonly jwk: PublicJwk,
    readonly thumbprint: string,
    readonly holder: PersonKeyHolder,
    readonly registeredAt: Date,
    private _approvedAt: Date | null,
    private _approvedBy: string | null,
    private _revokedAt: Date | null,
    private _revokedBy: string | null,
  ) {}

  /** The kid of a key: fixed by its public material (RFC 7638 thumbprint), so one kid is only ever one key. */
  static kidOf(thumbprint: string): string {
    return `${PERSON_KID_PREFIX}${thumbprint}`;
  }

  static register(p: { jwk: PublicJwk; thumbprint: string; holder: PersonKeyHolder; now: Date }): PersonKey {
    if (p.jwk.alg !== 'ES256')
      throw new OrganisationException(
        OrganisationExceptionCode.InvalidKey,
        'A personal key must be EC P-256 (ES256).',
        [{ field: 'jwk', message: 'must be an EC P-256 public key' }],
      );
    if (!PERSON_KEY_ROLES[p.holder.role])
      throw new OrganisationException(
        OrganisationExceptionCode.PersonKeyRole,
        `Role "${p.holder.role}" signs nothing with a personal key.`,
        [{ field: 'role', message: `must be one of ${Object.keys(PERSON_KEY_ROLES).join(', ')}` }],
      );
    const kid = PersonKey.kidOf(p.thumbprint);
    return new PersonKey(kid, { ...p.jwk, kid }, p.thumbprint, p.holder, p.now, null, null, null, null);
  }

  static restore(p: {
    kid: string;
    jwk: PublicJwk;
    thumbprint: string;
    holder: PersonKeyHolder;
    registeredAt: Date;
    approvedAt: Date | null;
    approvedBy: string | null;
    revokedAt: Date | null;
    revokedBy: string | null;
  }): PersonKey {
    return new PersonKey(
      p.kid,
      p.jwk,
      p.thumbprint,
      p.holder,
      p.registeredAt,
      p.approvedAt,
      p.approvedBy,
      p.revokedAt,
      p.revokedBy,
    );
  }

  get approvedAt(): Date | null {
    return this._approvedAt;
  }
  get approvedBy(): string | null {
    return this._approvedBy;
  }
  get revokedAt(): Date | null {
    return this._revokedAt;
  }
  get revokedBy(): string | null {
    return this._revokedBy;
  }

  get status(): PersonKeyStatus {
    if (this._revokedAt) return 'REVOKED';
    return this._approvedAt ? 'ACTIVE' : 'PENDING';
  }

  /** Whether the key verified signatures at `at`: approved by then and not yet revoked. */
  activeAt(at: Date): boolean {
    return this._approvedAt !== null && this._approvedAt <= at && (this._revokedAt === null || this._revokedAt > at);
  }

  /** The organisation's approval; only a pending key can be approved (a revoked one never comes back). */
  approve(by: string, now: Date): void {
    if (this.status !== 'PENDING')
      throw new OrganisationException(
        OrganisationExceptionCode.PersonKeyState,
        `Personal key "${this.kid}" is ${this.status.toLowerCase()}; only a pending key can be approved.`,
      );
    this._approvedAt = now;
    this._approvedBy = by;
  }

  revoke(by: string, now: Date): void {
    if (this.status === 'REVOKED')
      throw new OrganisationException(
        OrganisationExceptionCode.PersonKeyState,
        `Personal key "${this.kid}" is already revoked.`,
      );
    this._revokedAt = now;
    this._revokedBy = by;
  }
}

/**
 * Why `signer` may not sign for `use` with a personal key bound to `holder`, or null when they
 * may. The key must be the signer's own (same organisation, identity provider and subject: a
 * relayed signature or an organisation's system cannot use it), its role must sign this kind of
 * document, and the signer must still hold that role.
 */
export function personKeyRefusal(holder: PersonKeyHolder, signer: Principal, use: PersonKeyUse): string | null {
  if (holder.org !== signer.org || holder.issuer !== signer.idp || holder.sub !== signer.sub)
    return 'is a personal key of someone else: only its holder, signed in, may use it';
  if (PERSON_KEY_ROLES[holder.role] !== use)
    return `is a ${holder.role}'s personal key, which does not sign ${use === 'agreement-signature' ? 'agreements' : 'exchange requests'}`;
  if (!signer.roles.includes(holder.role)) return `needs the role ${holder.role}, which the signer no longer holds`;
  return null;
}
