import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PreparedStatement } from '@shared/database/prepared.js';
import type { Transaction } from '@shared/database/transaction.js';
import { Organisation, type OrganisationKey } from '../domain/organisation.js';
import { OrganisationException, OrganisationExceptionCode } from '../domain/organisation.exception.js';
import type { OrganisationRepository } from '../domain/organisation.repository.port.js';
import {
  KEY_COLUMNS,
  ORGANISATION_COLUMNS,
  OrganisationMapper,
  type OrganisationKeyRow,
  type OrganisationRow,
} from './organisation.mapper.js';

/** Read (through the key cache) for exchange request documents and agreement signatures: prepared. */
const FIND_KEY = new PreparedStatement(
  'organisations.find-key',
  `SELECT ${KEY_COLUMNS} FROM organisation_keys WHERE org_id = $1 AND kid = $2`,
);

const INSERT_KEY = `INSERT INTO organisation_keys (org_id, kid, alg, jwk, thumbprint, added_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`;

/** Organisations and their key sets in PostgreSQL. */
@Injectable()
export class PgOrganisationRepository implements OrganisationRepository {
  constructor(private readonly db: DataSource) {}

  async findById(id: string): Promise<Organisation | null> {
    const [row] = await this.db.query<OrganisationRow[]>(
      `SELECT ${ORGANISATION_COLUMNS} FROM organisations WHERE id = $1`,
      [id],
    );
    if (!row) return null;
    return OrganisationMapper.toDomain(row, await this.keysOf([id]));
  }

  async findKey(orgId: string, kid: string): Promise<OrganisationKey | null> {
    const [row] = await FIND_KEY.rows<OrganisationKeyRow>(this.db, [orgId, kid]);
    return row ? OrganisationMapper.key(row) : null;
  }

  async list(): Promise<Organisation[]> {
    const rows = await this.db.query<OrganisationRow[]>(
      `SELECT ${ORGANISATION_COLUMNS} FROM organisations ORDER BY id`,
    );
    const keys = rows.length ? await this.keysOf(rows.map((r) => r.id)) : [];
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
      for (const k of org.keys) await insertKey(tx, org.id, k);
    });
  }

  async saveKeys(org: Organisation): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Lock the organisation row so two concurrent rotations cannot interleave.
      await tx.query(`SELECT id FROM organisations WHERE id = $1 FOR UPDATE`, [org.id]);
      const existing = new Map(
        (
          await tx.query<{ kid: string; thumbprint: string; revokedAt: Date | null }[]>(
            `SELECT kid, thumbprint, revoked_at AS "revokedAt" FROM organisation_keys WHERE org_id = $1`,
            [org.id],
          )
        ).map((k) => [k.kid, k]),
      );
      for (const k of org.keys) {
        const row = existing.get(k.kid);
        // The rotation was decided on the keys as read before this lock: a concurrent rotation
        // may since have stored another key under the same kid, or revoked this one. Either way
        // this one is refused (and rolled back whole) rather than answered as done.
        if (row && row.thumbprint !== k.thumbprint)
          throw new OrganisationException(
            OrganisationExceptionCode.KidReused,
            `kid "${k.kid}" already names a different key (registered by a concurrent change).`,
          );
        if (row && row.revokedAt !== null && k.revokedAt === null)
          throw new OrganisationException(
            OrganisationExceptionCode.KidReused,
            `kid "${k.kid}" was revoked by a concurrent change and cannot be reinstated; register the key under a new kid.`,
          );
        if (!row) await insertKey(tx, org.id, k);
        else if (row.revokedAt === null && k.revokedAt !== null)
          await tx.query(
            `UPDATE organisation_keys SET revoked_at = $3 WHERE org_id = $1 AND kid = $2 AND revoked_at IS NULL`,
            [org.id, k.kid, k.revokedAt],
          );
      }
      await tx.query(`UPDATE organisations SET updated_at = now() WHERE id = $1`, [org.id]);
    });
  }

  private keysOf(orgIds: string[]): Promise<OrganisationKeyRow[]> {
    return this.db.query<OrganisationKeyRow[]>(`SELECT ${KEY_COLUMNS} FROM organisation_keys WHERE org_id = ANY($1)`, [
      orgIds,
    ]);
  }
}

function insertKey(tx: Transaction, orgId: string, k: OrganisationKey): Promise<unknown> {
  return tx.query(INSERT_KEY, [orgId, k.kid, k.jwk.alg, k.jwk, k.thumbprint, k.addedAt, k.revokedAt]);
}
