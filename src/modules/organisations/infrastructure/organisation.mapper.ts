import type { OrgKind } from '@shared/auth/roles.js';
import type { PublicJwk } from '@shared/crypto/jwk.js';
import { Organisation, type OrganisationKey, type OrganisationStatus } from '../domain/organisation.js';

/** A row of `organisations`, columns named as selected by ORGANISATION_COLUMNS. */
export interface OrganisationRow {
  id: string;
  kind: string;
  name: string;
  region: string;
  status: string;
  createdAt: Date;
}

/** A row of `organisation_keys`, columns named as selected by KEY_COLUMNS. */
export interface OrganisationKeyRow {
  orgId: string;
  kid: string;
  jwk: PublicJwk;
  thumbprint: string;
  addedAt: Date;
  revokedAt: Date | null;
}

export const ORGANISATION_COLUMNS = `id, kind, name, region, status, created_at AS "createdAt"`;
export const KEY_COLUMNS = `org_id AS "orgId", kid, jwk, thumbprint, added_at AS "addedAt", revoked_at AS "revokedAt"`;

export const OrganisationMapper = {
  toDomain(row: OrganisationRow, keys: OrganisationKeyRow[]): Organisation {
    return Organisation.restore({
      id: row.id,
      kind: row.kind as OrgKind,
      name: row.name,
      region: row.region,
      status: row.status as OrganisationStatus,
      createdAt: row.createdAt,
      keys: keys
        .sort((a, b) => a.addedAt.getTime() - b.addedAt.getTime() || a.kid.localeCompare(b.kid))
        .map((k) => OrganisationMapper.key(k)),
    });
  },
  key(k: OrganisationKeyRow): OrganisationKey {
    return { kid: k.kid, jwk: k.jwk, thumbprint: k.thumbprint, addedAt: k.addedAt, revokedAt: k.revokedAt };
  },
};
