import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Transaction } from '@shared/database/transaction.js';
import type { RetentionKind } from '../domain/retention-schedule.js';
import { RetentionStore, type DueItem, type KindDays } from '../domain/retention.store.port.js';

/** The advisory lock key that lets one instance at a time run the retention job. */
const RETENTION_LOCK_KEY = 7_163_018;

/**
 * Each kind as rows of (id, org, crn, from_at): what it is, whose rule applies, the CRN it
 * concerns, and the moment its period runs from (README, Retention; retention/default.yaml).
 */
const SOURCES: Record<RetentionKind, string> = {
  'case-record': `SELECT c.crn AS id, c.managing_org AS org, c.crn, (c.supervision_ended_on::timestamp AT TIME ZONE 'UTC') AS from_at
                    FROM cases c WHERE c.supervision_ended_on IS NOT NULL`,
  assessment: `SELECT a.assessment_id AS id, c.managing_org AS org, a.crn, a.completed_at AS from_at
                 FROM case_assessments a JOIN cases c ON c.crn = a.crn`,
  'exchange-request': `SELECT e.id::text AS id, e.provider_org AS org, e.crn,
                         CASE WHEN e.status = 'FULFILLED'
                              THEN e.fulfilled_at + make_interval(days => coalesce((v.document::jsonb ->> 'retentionDays')::int, 0))
                              ELSE coalesce(e.decided_at, e.updated_at) END AS from_at
                         FROM exchange_requests e
                         LEFT JOIN agreement_versions v ON v.agreement_id = e.agreement_id AND v.version = e.agreement_version
                        WHERE e.status IN ('REFUSED', 'FULFILLED', 'EXPIRED')`,
  'person-session': `SELECT encode(s.id_hash, 'hex') AS id, s.org_id AS org, NULL::text AS crn, s.expires_at AS from_at FROM person_sessions s`,
  'ig-session': `SELECT encode(s.id_hash, 'hex') AS id, s.org AS org, NULL::text AS crn, s.expires_at AS from_at FROM ig_sessions s`,
  'replay-token': `SELECT t.issuer || ' ' || t.jti AS id, t.issuer AS org, NULL::text AS crn, t.expires_at AS from_at FROM request_tokens t`,
};

/** Each item of `kind` with its due time, given the days per organisation as $1 (orgs), $2 (days) and $3 (default). */
const withDue = (kind: RetentionKind) => `
  SELECT s.id, s.org, s.crn, s.from_at + make_interval(days => coalesce(r.days, $3::int)) AS due_at
    FROM (${SOURCES[kind]}) s
    LEFT JOIN unnest($1::text[], $2::int[]) AS r (org, days) ON r.org = s.org`;

/** Most sessions or replay tokens erased by one run (the next run takes the rest). */
const BULK_LIMIT = 10_000;
const HASHES = `ARRAY(SELECT decode(x, 'hex') FROM unnest($1::text[]) x)`;
const BULK_DELETE: Record<'person-session' | 'ig-session' | 'replay-token', string> = {
  'person-session': `DELETE FROM person_sessions WHERE id_hash = ANY (${HASHES}) RETURNING org_id AS org`,
  'ig-session': `DELETE FROM ig_sessions WHERE id_hash = ANY (${HASHES}) RETURNING org`,
  'replay-token': `DELETE FROM request_tokens WHERE (issuer, jti) IN
                     (SELECT split_part(x, ' ', 1), substr(x, strpos(x, ' ') + 1) FROM unnest($1::text[]) x)
                   RETURNING issuer AS org`,
};

@Injectable()
export class PgRetentionStore extends RetentionStore {
  constructor(private readonly db: DataSource) {
    super();
  }

  async exclusively<T>(work: (tx: Transaction) => Promise<T>): Promise<T | null> {
    return this.db.transaction(async (tx) => {
      const [{ held }] = await tx.query<{ held: boolean }[]>(`SELECT pg_try_advisory_xact_lock($1) AS held`, [
        RETENTION_LOCK_KEY,
      ]);
      return held ? work(tx) : null;
    });
  }

  async due(
    q: Transaction | null,
    kind: RetentionKind,
    d: KindDays,
    at: Date,
    opts: { org?: string; limit: number },
  ): Promise<DueItem[]> {
    const rows = await (q ?? this.db).query<{ id: string; org: string; crn: string | null; due_at: Date }[]>(
      `SELECT * FROM (${withDue(kind)}) x WHERE x.due_at <= $4 AND ($5::text IS NULL OR x.org = $5) ORDER BY x.due_at, x.id LIMIT $6`,
      [d.orgs, d.days, d.defaultDays, at, opts.org ?? null, opts.limit],
    );
    return rows.map((r) => ({ id: r.id, org: r.org, crn: r.crn, dueAt: new Date(r.due_at) }));
  }

  async summary(
    kind: RetentionKind,
    d: KindDays,
    at: Date,
    org?: string,
  ): Promise<{ due: number; nextDueAt: Date | null }> {
    const [r] = await this.db.query<{ due: string; next: Date | null }[]>(
      `SELECT count(*) FILTER (WHERE x.due_at <= $4) AS due, min(x.due_at) FILTER (WHERE x.due_at > $4) AS next
         FROM (${withDue(kind)}) x WHERE ($5::text IS NULL OR x.org = $5)`,
      [d.orgs, d.days, d.defaultDays, at, org ?? null],
    );
    return { due: Number(r.due), nextDueAt: r.next ? new Date(r.next) : null };
  }

  async eraseExchangeRequest(tx: Transaction, id: string): Promise<boolean> {
    const [r] = await tx.query<{ erased: boolean }[]>(`SELECT erase_exchange_request($1::uuid) AS erased`, [id]);
    return r.erased;
  }

  async eraseDueInBulk(
    tx: Transaction,
    kind: 'person-session' | 'ig-session' | 'replay-token',
    d: KindDays,
    at: Date,
  ): Promise<Map<string, number>> {
    const due = await tx.query<{ id: string }[]>(
      `SELECT x.id FROM (${withDue(kind)}) x WHERE x.due_at <= $4 LIMIT $5`,
      [d.orgs, d.days, d.defaultDays, at, BULK_LIMIT],
    );
    const counts = new Map<string, number>();
    if (!due.length) return counts;
    const rows = await tx.query<{ org: string }[]>(`WITH gone AS (${BULK_DELETE[kind]}) SELECT org FROM gone`, [
      due.map((r) => r.id),
    ]);
    for (const r of rows) counts.set(r.org, (counts.get(r.org) ?? 0) + 1);
    return counts;
  }
}
