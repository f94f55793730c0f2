import { Injectable } from '@nestjs/common';
import { ArrayContains, DataSource, EntityManager, In } from 'typeorm';
import { AgreementException, AgreementExceptionCode } from '../domain/agreement.exception.js';
import type { Agreement } from '../domain/agreement.js';
import type {
  AgreementRepository,
  AgreementDeadline,
  AgreementTransaction,
  ExpiredAgreement,
} from '../domain/agreement.repository.port.js';
import { AgreementEntity, AgreementSignatureEntity, AgreementVersionEntity } from './agreement.entity.js';
import { AgreementMapper } from './agreement.mapper.js';

@Injectable()
export class TypeOrmAgreementRepository implements AgreementRepository {
  constructor(private readonly db: DataSource) {}

  async findById(id: string): Promise<Agreement | null> {
    return this.db.transaction('REPEATABLE READ', (em) => this.load(em, id, false));
  }

  async findVersion(id: string, version: number) {
    return this.db.transaction('REPEATABLE READ', async (em) => {
      const v = await em.getRepository(AgreementVersionEntity).findOneBy({ agreementId: id, version });
      if (!v) return null;
      const sigs = await em
        .getRepository(AgreementSignatureEntity)
        .find({ where: { agreementId: id, version }, order: { signedAt: 'ASC' } });
      return { version: AgreementMapper.version(v), signatures: sigs.map((s) => AgreementMapper.signature(s)) };
    });
  }

  async findVersionByDocumentHash(id: string, sha256: string): Promise<number | null> {
    const v = await this.db
      .getRepository(AgreementVersionEntity)
      .findOne({ where: { agreementId: id, documentSha256: sha256 }, select: { version: true } });
    return v?.version ?? null;
  }

  async listVersions(id: string) {
    const rows: {
      version: number;
      created_at: Date;
      created_by_org: string;
      created_by_sub: string;
      document_sha256: string;
      signed_by: string[];
    }[] = await this.db.query(
      `SELECT v.version, v.created_at, v.created_by_org, v.created_by_sub, v.document_sha256,
              COALESCE(array_agg(s.org ORDER BY s.signed_at) FILTER (WHERE s.org IS NOT NULL), '{}') AS signed_by
         FROM agreement_versions v LEFT JOIN agreement_signatures s ON s.agreement_id = v.agreement_id AND s.version = v.version
        WHERE v.agreement_id = $1 GROUP BY v.agreement_id, v.version ORDER BY v.version`,
      [id],
    );
    return rows.map((r) => ({
      version: r.version,
      createdAt: r.created_at,
      createdBy: { org: r.created_by_org, sub: r.created_by_sub },
      documentSha256: r.document_sha256,
      signedBy: r.signed_by,
    }));
  }

  async list(filter: { org: string | null }): Promise<Agreement[]> {
    return this.db.transaction('REPEATABLE READ', async (em) => {
      const rows = await em.getRepository(AgreementEntity).find({
        where: filter.org === null ? {} : { partyOrgs: ArrayContains([filter.org]) },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      if (!rows.length) return [];
      const ids = rows.map((r) => r.id);
      const versions = await em
        .getRepository(AgreementVersionEntity)
        .findBy(rows.map((r) => ({ agreementId: r.id, version: r.version })));
      const sigs = await em.getRepository(AgreementSignatureEntity).findBy({ agreementId: In(ids) });
      return rows.map((r) =>
        AgreementMapper.toDomain(
          r,
          versions.find((v) => v.agreementId === r.id && v.version === r.version)!,
          sigs.filter((s) => s.agreementId === r.id && s.version === r.version),
        ),
      );
    });
  }

  transaction<T>(work: (tx: AgreementTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((em) => work(em));
  }

  async insert(tx: AgreementTransaction, a: Agreement): Promise<void> {
    const em = managerOf(tx);
    const r = AgreementMapper.row(a);
    const inserted: unknown[] = await em.query(
      `INSERT INTO agreements (id, status, version, active_version, party_orgs, valid_to, created_at, created_by_org, created_by_sub, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        r.id,
        r.status,
        r.version,
        r.activeVersion,
        r.partyOrgs,
        r.validTo,
        r.createdAt,
        r.createdByOrg,
        r.createdBySub,
        r.updatedAt,
      ],
    );
    // Only a caller-chosen id (the demo seed on two instances at once) can collide.
    if (!inserted.length)
      throw new AgreementException(AgreementExceptionCode.AlreadyExists, `Agreement "${a.id}" already exists.`);
    await this.writeNewRows(em, a);
  }

  lock(tx: AgreementTransaction, id: string): Promise<Agreement | null> {
    return this.load(managerOf(tx), id, true);
  }

  async save(tx: AgreementTransaction, a: Agreement): Promise<void> {
    const em = managerOf(tx);
    await em.getRepository(AgreementEntity).update({ id: a.id }, AgreementMapper.row(a));
    await this.writeNewRows(em, a);
  }

  async markExpired(tx: AgreementTransaction, now: Date): Promise<ExpiredAgreement[]> {
    const em = managerOf(tx);
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows]: [{ id: string; version: number; valid_to: Date; party_orgs: string[] }[], number] = await em.query(
      `UPDATE agreements SET status = 'EXPIRED', updated_at = $1
        WHERE status IN ('DRAFT', 'PENDING_SIGNATURES', 'ACTIVE', 'SUSPENDED') AND valid_to <= $1
        RETURNING id, version, valid_to, party_orgs`,
      [now],
    );
    if (!rows.length) return [];
    await em.query(`UPDATE agreements_state SET version = version + 1 WHERE id = 1`);
    return rows.map((r) => ({ id: r.id, version: r.version, validTo: r.valid_to, partyOrgs: r.party_orgs }));
  }

  async findDeadlines(tx: AgreementTransaction, now: Date, expiringBy: Date): Promise<AgreementDeadline[]> {
    // reviewBy is read from the signed document of the version in force (the terms live only there).
    const rows: { kind: AgreementDeadline['kind']; id: string; due_at: Date; party_orgs: string[] }[] = await managerOf(
      tx,
    ).query(
      `WITH in_force AS (
           SELECT a.id, a.valid_to, a.party_orgs, (v.document::jsonb ->> 'reviewBy')::timestamptz AS review_by
             FROM agreements a JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.active_version
            WHERE a.status IN ('ACTIVE', 'SUSPENDED', 'PENDING_SIGNATURES') AND a.valid_to > $1)
         SELECT 'expiring' AS kind, id, valid_to AS due_at, party_orgs FROM in_force WHERE valid_to <= $2
         UNION ALL
         SELECT 'review-due', id, review_by, party_orgs FROM in_force WHERE review_by <= $1`,
      [now, expiringBy],
    );
    return rows.map((r) => ({ kind: r.kind, id: r.id, dueAt: r.due_at, partyOrgs: r.party_orgs }));
  }

  private async load(em: EntityManager, id: string, forUpdate: boolean): Promise<Agreement | null> {
    const row = await em
      .getRepository(AgreementEntity)
      .findOne({ where: { id }, ...(forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!row) return null;
    const current = await em
      .getRepository(AgreementVersionEntity)
      .findOneByOrFail({ agreementId: id, version: row.version });
    const sigs = await em.getRepository(AgreementSignatureEntity).findBy({ agreementId: id, version: row.version });
    return AgreementMapper.toDomain(row, current, sigs);
  }

  /** New versions and signatures, then the state counter every instance's coverage index watches. */
  private async writeNewRows(em: EntityManager, a: Agreement): Promise<void> {
    const { versions, signatures } = a.pendingInserts();
    if (versions.length)
      await em.getRepository(AgreementVersionEntity).insert(versions.map((v) => AgreementMapper.versionRow(a.id, v)));
    if (signatures.length)
      await em
        .getRepository(AgreementSignatureEntity)
        .insert(signatures.map((s) => AgreementMapper.signatureRow(a.id, s)));
    await em.query(`UPDATE agreements_state SET version = version + 1 WHERE id = 1`);
  }
}

/** The transactions this repository hands out are TypeORM's; anything else is a caller's bug. */
function managerOf(tx: AgreementTransaction): EntityManager {
  if (!(tx instanceof EntityManager)) throw new Error('not a transaction of TypeOrmAgreementRepository');
  return tx;
}
