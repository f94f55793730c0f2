import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '@shared/auth/roles.js';
import type { PublicJwk } from '@shared/crypto/jwk.js';
import { OrganisationException, OrganisationExceptionCode } from '../domain/organisation.exception.js';
import { PersonKey, type PersonKeyHolder } from '../domain/person-key.js';
import type { Transaction } from '@shared/database/transaction.js';
import { PreparedStatement } from '@shared/database/prepared.js';
import type { Alongside, PersonKeyRepository } from '../domain/person-key.repository.port.js';

interface PersonKeyRow {
  orgId: string;
  kid: string;
  jwk: PublicJwk;
  thumbprint: string;
  issuer: string;
  sub: string;
  name: string | null;
  role: Role;
  registeredAt: Date;
  approvedAt: Date | null;
  approvedBy: string | null;
  revokedAt: Date | null;
  revokedBy: string | null;
}

const COLUMNS = `org_id AS "orgId", kid, jwk, thumbprint, holder_issuer AS issuer, holder_sub AS sub,
  holder_name AS name, role, registered_at AS "registeredAt", approved_at AS "approvedAt",
  approved_by AS "approvedBy", revoked_at AS "revokedAt", revoked_by AS "revokedBy"`;

/** Read fresh for every signature a personal key makes: prepared. */
const FIND = new PreparedStatement(
  'person-keys.find',
  `SELECT ${COLUMNS} FROM person_keys WHERE org_id = $1 AND kid = $2`,
);

const toDomain = (r: PersonKeyRow): PersonKey =>
  PersonKey.restore({
    kid: r.kid,
    jwk: r.jwk,
    thumbprint: r.thumbprint,
    holder: { org: r.orgId, issuer: r.issuer, sub: r.sub, name: r.name, role: r.role },
    registeredAt: r.registeredAt,
    approvedAt: r.approvedAt,
    approvedBy: r.approvedBy,
    revokedAt: r.revokedAt,
    revokedBy: r.revokedBy,
  });

/** Personal keys in PostgreSQL (`person_keys`), apart from the organisation keys request tokens are checked with. */
@Injectable()
export class PgPersonKeyRepository implements PersonKeyRepository {
  constructor(private readonly db: DataSource) {}

  async find(orgId: string, kid: string): Promise<PersonKey | null> {
    const [row] = await FIND.rows<PersonKeyRow>(this.db, [orgId, kid]);
    return row ? toDomain(row) : null;
  }

  async list(orgId: string, holder?: Pick<PersonKeyHolder, 'issuer' | 'sub'>): Promise<PersonKey[]> {
    const rows = await this.db.query<PersonKeyRow[]>(
      `SELECT ${COLUMNS} FROM person_keys
        WHERE org_id = $1 AND ($2::text IS NULL OR (holder_issuer = $2 AND holder_sub = $3))
        ORDER BY registered_at DESC, kid`,
      [orgId, holder?.issuer ?? null, holder?.sub ?? null],
    );
    return rows.map(toDomain);
  }

  async insert(k: PersonKey, max: number, alongside?: Alongside): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`SELECT id FROM organisations WHERE id = $1 FOR UPDATE`, [k.holder.org]);
      const [{ live }] = await tx.query<{ live: number }[]>(
        `SELECT count(*)::int AS live FROM person_keys
          WHERE org_id = $1 AND holder_issuer = $2 AND holder_sub = $3 AND role = $4 AND revoked_at IS NULL`,
        [k.holder.org, k.holder.issuer, k.holder.sub, k.holder.role],
      );
      if (live >= max)
        throw new OrganisationException(
          OrganisationExceptionCode.PersonKeyLimit,
          `You already have ${live} personal keys for ${k.holder.role} waiting or in use; revoke one first.`,
        );
      const inserted = await tx.query<unknown[]>(
        `INSERT INTO person_keys (org_id, kid, alg, jwk, thumbprint, holder_issuer, holder_sub, holder_name, role, registered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (org_id, kid) DO NOTHING RETURNING kid`,
        [
          k.holder.org,
          k.kid,
          k.jwk.alg,
          k.jwk,
          k.thumbprint,
          k.holder.issuer,
          k.holder.sub,
          k.holder.name,
          k.holder.role,
          k.registeredAt,
        ],
      );
      if (!inserted.length)
        throw new OrganisationException(
          OrganisationExceptionCode.PersonKeyExists,
          `Personal key "${k.kid}" is already registered.`,
          [{ field: 'jwk', message: 'is already registered' }],
        );
      await alongside?.(tx);
    });
  }

  async save(k: PersonKey, alongside?: Alongside): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.update(tx, k);
      await alongside?.(tx);
    });
  }

  private async update(tx: Transaction, k: PersonKey): Promise<void> {
    // Each change only moves forward: approval of a pending key, revocation of a live one. The
    // UPDATE sits in a CTE so the driver answers with the rows alone.
    const res = await tx.query<unknown[]>(
      `WITH changed AS (
         UPDATE person_keys SET approved_at = $3, approved_by = $4, revoked_at = $5, revoked_by = $6
          WHERE org_id = $1 AND kid = $2 AND revoked_at IS NULL
            AND (approved_at IS NULL OR approved_at = $3) RETURNING kid)
       SELECT kid FROM changed`,
      [k.holder.org, k.kid, k.approvedAt, k.approvedBy, k.revokedAt, k.revokedBy],
    );
    if (!res.length)
      throw new OrganisationException(
        OrganisationExceptionCode.PersonKeyState,
        `Personal key "${k.kid}" changed meanwhile; look at it again.`,
      );
  }
}
