import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Transaction } from '@shared/database/transaction.js';
import type { Breach, BreachSeverity, BreachStatus, BreachVersion } from '../domain/breach.js';
import { BreachRepository } from '../domain/breach.repository.port.js';

interface BreachRow {
  id: string;
  org: string;
  discovered_at: Date;
  occurred_at: Date | null;
  ico_deadline: Date;
  created_at: Date;
  created_by: string;
}

interface VersionRow {
  breach_id: string;
  version: number;
  status: BreachStatus;
  summary: string;
  severity: BreachSeverity;
  reportable: boolean | null;
  crns: string[];
  agreement_ids: string[];
  partner_orgs: string[];
  ico_reported_at: Date | null;
  ico_reference: string | null;
  not_reportable_reason: string | null;
  note: string | null;
  recorded_at: Date;
  recorded_by: string;
}

const VERSION_COLUMNS = `breach_id, version, status, summary, severity, reportable, crns, agreement_ids, partner_orgs,
  ico_reported_at, ico_reference, not_reportable_reason, note, recorded_at, recorded_by`;

/** The breach register in PostgreSQL: ig_breaches and ig_breach_versions, which refuse all but INSERT. */
@Injectable()
export class BreachStore extends BreachRepository {
  constructor(private readonly db: DataSource) {
    super();
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async insert(tx: Transaction, b: Breach): Promise<void> {
    await tx.query(
      `INSERT INTO ig_breaches (id, org, discovered_at, occurred_at, ico_deadline, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [b.id, b.org, b.discoveredAt, b.occurredAt, b.icoDeadline, b.createdAt, b.createdBy],
    );
    for (const v of b.versions) await this.addVersion(tx, b.id, v);
  }

  async addVersion(tx: Transaction, id: string, v: BreachVersion): Promise<void> {
    await tx.query(
      `INSERT INTO ig_breach_versions (${VERSION_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8::text[], $9::text[], $10, $11, $12, $13, $14, $15)`,
      [
        id,
        v.version,
        v.status,
        v.summary,
        v.severity,
        v.reportable,
        v.crns,
        v.agreementIds,
        v.partnerOrgs,
        v.icoReportedAt,
        v.icoReference,
        v.notReportableReason,
        v.note,
        v.recordedAt,
        v.recordedBy,
      ],
    );
  }

  /** With `tx`, an advisory lock: the application role may not take row locks on a table it cannot update. */
  async get(org: string, id: string, tx?: Transaction): Promise<Breach | null> {
    const q = tx ?? this.db;
    if (tx) await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7163022))`, [id]);
    const [row] = await q.query<BreachRow[]>(`SELECT * FROM ig_breaches WHERE id = $1 AND org = $2`, [id, org]);
    if (!row) return null;
    const versions = await q.query<VersionRow[]>(
      `SELECT ${VERSION_COLUMNS} FROM ig_breach_versions WHERE breach_id = $1 ORDER BY version`,
      [id],
    );
    return toBreach(row, versions);
  }

  async list(org: string, limit: number): Promise<Breach[]> {
    const rows = await this.db.query<BreachRow[]>(
      `SELECT * FROM ig_breaches WHERE org = $1 ORDER BY discovered_at DESC, id LIMIT $2`,
      [org, limit],
    );
    if (!rows.length) return [];
    const versions = await this.db.query<VersionRow[]>(
      `SELECT ${VERSION_COLUMNS} FROM ig_breach_versions WHERE breach_id = ANY($1::uuid[]) ORDER BY breach_id, version`,
      [rows.map((r) => r.id)],
    );
    return rows.map((r) =>
      toBreach(
        r,
        versions.filter((v) => v.breach_id === r.id),
      ),
    );
  }

  async clocksRunning(tx: Transaction, horizon: Date): Promise<{ id: string; org: string; icoDeadline: Date }[]> {
    const rows = await tx.query<{ id: string; org: string; ico_deadline: Date }[]>(
      `SELECT b.id, b.org, b.ico_deadline
         FROM ig_breaches b
         JOIN LATERAL (SELECT status, reportable FROM ig_breach_versions v
                        WHERE v.breach_id = b.id ORDER BY version DESC LIMIT 1) c ON true
        WHERE b.ico_deadline <= $1 AND c.status = 'OPEN' AND c.reportable IS DISTINCT FROM false
        ORDER BY b.ico_deadline`,
      [horizon],
    );
    return rows.map((r) => ({ id: r.id, org: r.org, icoDeadline: r.ico_deadline }));
  }
}

function toBreach(r: BreachRow, versions: VersionRow[]): Breach {
  return {
    id: r.id,
    org: r.org,
    discoveredAt: r.discovered_at,
    occurredAt: r.occurred_at,
    icoDeadline: r.ico_deadline,
    createdAt: r.created_at,
    createdBy: r.created_by,
    versions: versions.map((v) => ({
      version: v.version,
      status: v.status,
      summary: v.summary,
      severity: v.severity,
      reportable: v.reportable,
      crns: v.crns,
      agreementIds: v.agreement_ids,
      partnerOrgs: v.partner_orgs,
      icoReportedAt: v.ico_reported_at,
      icoReference: v.ico_reference,
      notReportableReason: v.not_reportable_reason,
      note: v.note,
      recordedAt: v.recorded_at,
      recordedBy: v.recorded_by,
    })),
  };
}
