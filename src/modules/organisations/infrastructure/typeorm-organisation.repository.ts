import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Organisation, type OrganisationKey } from '../domain/organisation.js';
import { OrganisationException, OrganisationExceptionCode } from '../domain/organisation.exception.js';
import type { OrganisationRepository } from '../domain/organisation.repository.port.js';
import { OrganisationEntity, OrganisationKeyEntity } from './organisation.entity.js';
import { OrganisationMapper } from './organisation.mapper.js';

@Injectable()
export class TypeOrmOrganisationRepository implements OrganisationRepository {
  constructor(private readonly db: DataSource) {}

  async findById(id: string): Promise<Organisation | null> {
    const row = await this.db.getRepository(OrganisationEntity).findOneBy({ id });
    if (!row) return null;
    const keys = await this.db.getRepository(OrganisationKeyEntity).findBy({ orgId: id });
    return OrganisationMapper.toDomain(row, keys);
  }

  async findKey(orgId: string, kid: string): Promise<OrganisationKey | null> {
    const row = await this.db.getRepository(OrganisationKeyEntity).findOneBy({ orgId, kid });
    return row ? OrganisationMapper.key(row) : null;
  }

  async list(): Promise<Organisation[]> {
    const rows = await this.db.getRepository(OrganisationEntity).find({ order: { id: 'ASC' } });
    const keys = rows.length
      ? await this.db.getRepository(OrganisationKeyEntity).findBy({ orgId: In(rows.map((r) => r.id)) })
      : [];
    return rows.map((r) =>
      OrganisationMapper.toDomain(
        r,
        keys.filter((k) => k.orgId === r.id),
      ),
    );
  }

  async insert(org: Organisation): Promise<void> {
    await this.db.transaction(async (tx) => {
      const res = await tx.query<{ id: string }[]>(
        `INSERT INTO organisations (id, kind, name, region, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [org.id, org.kind, org.name, org.region, org.status, org.createdAt],
      );
      if (!res.length)
        throw new OrganisationException(
          OrganisationExceptionCode.AlreadyExists,
          `Organisation "${org.id}" is already registered.`,
          [{ field: 'id', message: 'is already registered' }],
        );
      await tx.getRepository(OrganisationKeyEntity).insert(org.keys.map((k) => OrganisationMapper.keyRow(org.id, k)));
    });
  }

  async saveKeys(org: Organisation): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Lock the organisation row so two concurrent rotations cannot interleave.
      await tx.query(`SELECT id FROM organisations WHERE id = $1 FOR UPDATE`, [org.id]);
      const existing = new Map(
        (await tx.getRepository(OrganisationKeyEntity).findBy({ orgId: org.id })).map((k) => [k.kid, k]),
      );
      for (const k of org.keys) {
        const row = existing.get(k.kid);
        if (!row) await tx.getRepository(OrganisationKeyEntity).insert(OrganisationMapper.keyRow(org.id, k));
        else if (row.revokedAt === null && k.revokedAt !== null)
          await tx.query(
            `UPDATE organisation_keys SET revoked_at = $3 WHERE org_id = $1 AND kid = $2 AND revoked_at IS NULL`,
            [org.id, k.kid, k.revokedAt],
          );
      }
      await tx.query(`UPDATE organisations SET updated_at = now() WHERE id = $1`, [org.id]);
    });
  }
}
