import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Transaction } from '@shared/database/transaction.js';
import { AgreementException, AgreementExceptionCode } from '../domain/agreement.exception.js';
import type { Agreement } from '../domain/agreement.js';
import type { AgreementDeadline, AgreementRepository, ExpiredAgreement } from '../domain/agreement.repository.port.js';
import { reviewDueAt } from '../domain/review-schedule.js';
import {
  AgreementMapper,
  COLUMNS,
  type AgreementRow,
  type AgreementSignatureRow,
  type AgreementVersionRow,
} from './agreement.mapper.js';

type Table = keyof typeof COLUMNS;
const TABLE: Record<Table, string> = {
  agreement: 'agreements',
  version: 'agreement_versions',
  signature: 'agreement_signatures',
};

/** The select list of `t`, each column named as its row type names it. */
function columns(t: Table, alias = ''): string {
  return COLUMNS[t].map(([column, name]) => `${alias}${column} AS "${name}"`).join(', ');
}

/** Inserts `row` into `t`'s table, every column in COLUMNS order. */
function insertRow(tx: Transaction, t: Table, row: object): Promise<unknown> {
  const cols = COLUMNS[t];
  const values = cols.map(([, name]) => (row as Record<string, unknown>)[name]);
  return tx.query(
    `INSERT INTO ${TABLE[t]} (${cols.map(([c]) => c).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
    values,
  );
}

/**
 * Agreements, their immutable versions and signatures in PostgreSQL. Reads of a whole agreement
 * run in one REPEATABLE READ transaction, so the row, its version and signatures agree.
 */
@Injectable()
export class PgAgreementRepository implements AgreementRepository {
  constructor(private readonly db: DataSource) {}

  async findById(id: string): Promise<Agreement | null> {
    return this.db.transaction('REPEATABLE READ', (tx) => this.load(tx, id, false));
  }

  async findVersion(id: string, version: number) {
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      const [v] = await tx.query<AgreementVersionRow[]>(
        `SELECT ${columns('version')} FROM agreement_versions WHERE agreement_id = $1 AND version = $2`,
        [id, version],
      );
      if (!v) return null;
      const sigs = await tx.query<AgreementSignatureRow[]>(
        `SELECT ${columns('signature')} FROM agreement_signatures WHERE agreement_id = $1 AND version = $2 ORDER BY signed_at`,
        [id, version],
      );
      return { version: AgreementMapper.version(v), signatures: sigs.map((s) => AgreementMapper.signature(s)) };
    });
  }

  async findVersionByDocumentHash(id: string, sha256: string): Promise<number | null> {
    const [v] = await this.db.query<{ version: number }[]>(
      `SELECT version FROM agreement_versions WHERE agreement_id = $1 AND document_sha256 = $2 LIMIT 1`,
      [id, sha256],
    );
    return v?.version ?? null;
  }

  async listVersions(id: string) {
    const rows = await this.db.query<
      {
        version: number;
        created_at: Date;
        created_by_org: string;
        created_by_sub: string;
        document_sha256: string;
        signed_by: string[];
      }[]
    >(
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
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      const rows = await tx.query<AgreementRow[]>(
        `SELECT ${columns('agreement')} FROM agreements ${filter.org === null ? '' : 'WHERE party_orgs @> ARRAY[$1]::text[]'}
          ORDER BY created_at, id`,
        filter.org === null ? [] : [filter.org],
      );
      if (!rows.length) return [];
      const ids = rows.map((r) => r.id);
      const versions = await tx.query<AgreementVersionRow[]>(
        `SELECT ${columns('version', 'v.')} FROM agreement_versions v
           JOIN agreements a ON a.id = v.agreement_id AND a.version = v.version WHERE a.id = ANY($1::uuid[])`,
        [ids],
      );
      const sigs = await tx.query<AgreementSignatureRow[]>(
        `SELECT ${columns('signature')} FROM agreement_signatures WHERE agreement_id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.map((r) =>
        AgreementMapper.toDomain(
          r,
          versions.find((v) => v.agreementId === r.id && v.version === r.version)!,
          sigs.filter((s) => s.agreementId === r.id && s.version === r.version),
        ),
      );
    });
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(tx));
  }

  async insert(tx: Transaction, a: Agreement): Promise<void> {
    const r = AgreementMapper.row(a);
    const inserted = await tx.query<unknown[]>(
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
    await this.writeNewRows(tx, a);
  }

  lock(tx: Transaction, id: string): Promise<Agreement | null> {
    return this.load(tx, id, true);
  }

  async save(tx: Transaction, a: Agreement): Promise<void> {
    const row = AgreementMapper.row(a) as unknown as Record<string, unknown>;
    const cols = COLUMNS.agreement.filter(([c]) => c !== 'id');
    await tx.query(`UPDATE agreements SET ${cols.map(([c], i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`, [
      a.id,
      ...cols.map(([, name]) => row[name]),
    ]);
    await this.writeNewRows(tx, a);
  }

  async markExpired(tx: Transaction, now: Date): Promise<ExpiredAgreement[]> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows] = await tx.query<[{ id: string; version: number; valid_to: Date; party_orgs: string[] }[], number]>(
      `UPDATE agreements SET status = 'EXPIRED', updated_at = $1
        WHERE status IN ('DRAFT', 'PENDING_SIGNATURES', 'ACTIVE', 'SUSPENDED') AND valid_to <= $1
        RETURNING id, version, valid_to, party_orgs`,
      [now],
    );
    if (!rows.length) return [];
    await tx.query(`UPDATE agreements_state SET version = version + 1 WHERE id = 1`);
    return rows.map((r) => ({ id: r.id, version: r.version, validTo: r.valid_to, partyOrgs: r.party_orgs }));
  }

  async findDeadlines(tx: Transaction, now: Date, expiringBy: Date): Promise<AgreementDeadline[]> {
    // reviewBy and the review interval are read from the signed document of the version in force
    // (the terms live only there); the review date due is the schedule's latest at or before now.
    const rows = await tx.query<
      { id: string; valid_to: Date; party_orgs: string[]; review_by: Date; review_interval: number | null }[]
    >(
      `SELECT a.id, a.valid_to, a.party_orgs, (v.document::jsonb ->> 'reviewBy')::timestamptz AS review_by,
              (v.document::jsonb ->> 'reviewIntervalMonths')::int AS review_interval
         FROM agreements a JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.active_version
        WHERE a.status IN ('ACTIVE', 'SUSPENDED', 'PENDING_SIGNATURES') AND a.valid_to > $1
          AND (a.valid_to <= $2 OR (v.document::jsonb ->> 'reviewBy')::timestamptz <= $1)`,
      [now, expiringBy],
    );
    const deadlines: AgreementDeadline[] = [];
    for (const r of rows) {
      if (r.valid_to.getTime() <= expiringBy.getTime())
        deadlines.push({ kind: 'expiring', id: r.id, dueAt: r.valid_to, partyOrgs: r.party_orgs });
      const review = reviewDueAt(r.review_by, r.review_interval, r.valid_to, now);
      if (review) deadlines.push({ kind: 'review-due', id: r.id, dueAt: review, partyOrgs: r.party_orgs });
    }
    return deadlines;
  }

  private async load(tx: Transaction, id: string, forUpdate: boolean): Promise<Agreement | null> {
    const [row] = await tx.query<AgreementRow[]>(
      `SELECT ${columns('agreement')} FROM agreements WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    if (!row) return null;
    const [current] = await tx.query<AgreementVersionRow[]>(
      `SELECT ${columns('version')} FROM agreement_versions WHERE agreement_id = $1 AND version = $2`,
      [id, row.version],
    );
    const sigs = await tx.query<AgreementSignatureRow[]>(
      `SELECT ${columns('signature')} FROM agreement_signatures WHERE agreement_id = $1 AND version = $2`,
      [id, row.version],
    );
    return AgreementMapper.toDomain(row, current, sigs);
  }

  /** New versions and signatures, then the state counter every instance's coverage index watches. */
  private async writeNewRows(tx: Transaction, a: Agreement): Promise<void> {
    const { versions, signatures } = a.pendingInserts();
    for (const v of versions) await insertRow(tx, 'version', AgreementMapper.versionRow(a.id, v));
    for (const s of signatures) await insertRow(tx, 'signature', AgreementMapper.signatureRow(a.id, s));
    await tx.query(`UPDATE agreements_state SET version = version + 1 WHERE id = 1`);
  }
}
