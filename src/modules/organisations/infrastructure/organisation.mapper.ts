import type { OrgKind } from '@shared/auth/roles.js';
import type { PublicJwk } from '@shared/crypto/jwk.js';
import { Organisation, type OrganisationKey, type OrganisationStatus } from '../domain/organisation.js';
import type { OrganisationEntity, OrganisationKeyEntity } from './organisation.entity.js';

export const OrganisationMapper = {
  toDomain(row: OrganisationEntity, keys: OrganisationKeyEntity[]): Organisation {
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
  key(k: OrganisationKeyEntity): OrganisationKey {
    return {
      kid: k.kid,
      jwk: k.jwk as unknown as PublicJwk,
      thumbprint: k.thumbprint,
      addedAt: k.addedAt,
      revokedAt: k.revokedAt,
    };
  },
  keyRow(orgId: string, k: Organisation['keys'][number]): OrganisationKeyEntity {
    return {
      orgId,
      kid: k.kid,
      alg: k.jwk.alg,
      jwk: k.jwk as unknown as Record<string, string>,
      thumbprint: k.thumbprint,
      addedAt: k.addedAt,
      revokedAt: k.revokedAt,
    };
  },
};
