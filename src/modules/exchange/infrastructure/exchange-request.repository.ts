import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { DataCategory, Purpose } from '@shared/domain/vocabulary.js';
import { ExchangeRequest, type ExchangeStatus, type Urgency } from '../domain/exchange-request.js';
import type { RequestAlg } from '../domain/request-document.js';

interface Row {
  id: string;
  requester_org: string;
  provider_org: string;
  crn: string;
  purpose: Purpose;
  data_categories: DataCategory[];
  justification: string;
  urgency: Urgency;
  agreement_id: string;
  request_jws: string;
  request_jti: string;
  request_kid: string;
  request_alg: RequestAlg;
  request_iat: Date;
  submitted_by_sub: string;
  submitted_by_roles: string[];
  submitted_at: Date;
  due_by: Date;
  status: ExchangeStatus;
  status_reason: string | null;
  decided_at: Date | null;
  decided_by_org: string | null;
  decided_by_sub: string | null;
  agreement_version: number | null;
  fields_released: string[] | null;
  fields_withheld: string[] | null;
  release_log_index: string | null;
  response_jws: string | null;
  fulfilled_at: Date | null;
}

function toDomain(r: Row): ExchangeRequest {
  return ExchangeRequest.restore({
    id: r.id,
    requester: r.requester_org,
    provider: r.provider_org,
    crn: r.crn,
    purpose: r.purpose,
    dataCategories: r.data_categories,
    justification: r.justification,
    urgency: r.urgency,
    agreementId: r.agreement_id,
    requestJws: r.request_jws,
    requestJti: r.request_jti,
    requestKid: r.request_kid,
    requestAlg: r.request_alg,
    requestIat: r.request_iat,
    submittedBy: { sub: r.submitted_by_sub, roles: r.submitted_by_roles },
    submittedAt: r.submitted_at,
    dueBy: r.due_by,
    status: r.status,
    statusReason: r.status_reason,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by_org && r.decided_by_sub ? { org: r.decided_by_org, sub: r.decided_by_sub } : null,
    release:
      r.response_jws !== null && r.fulfilled_at !== null && r.release_log_index !== null
        ? {
            agreementVersion: r.agreement_version ?? 0,
            fieldsReleased: r.fields_released ?? [],
            fieldsWithheld: r.fields_withheld ?? [],
            logIndex: Number(r.release_log_index),
            responseJws: r.response_jws,
            at: r.fulfilled_at,
          }
        : null,
  });
}

export interface ListFilter {
  org: string;
  direction: 'incoming' | 'outgoing' | 'both';
  status?: ExchangeStatus;
  overdue?: boolean;
  now: Date;
  after?: { submittedAt: Date; id: string };
  limit: number;
}

/** A unique violation on (requester_org, request_jti): the same request JWS, or its jti, used again. */
export class DuplicateRequestJti extends Error {}

/** Exchange requests. Every read that lists or loads is scoped to an organisation by the caller. */
/** An open request's deadline (the deadline watcher's view). */
export interface OpenDeadline {
  id: string;
  requester: string;
  provider: string;
  urgency: Urgency;
  dueBy: Date;
  /** The provider's data owner who approved it (`<org>/<sub>`), while APPROVED and not yet released. */
  approvedBy: string | null;
}

@Injectable()
export class ExchangeRequestRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Runs `work` in one transaction, committed when it resolves and rolled back when it throws.
   * The handler passes `tx` to each write of the change (this repository's and the access log's
   * intent), so they commit together.
   */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Inserts a new request in `tx`; throws DuplicateRequestJti when its jti was used before. */
  async insert(tx: EntityManager, r: ExchangeRequest): Promise<void> {
    const s = r.state;
    try {
      await tx.query(
        `INSERT INTO exchange_requests (id, requester_org, provider_org, crn, purpose, data_categories, justification, urgency, agreement_id,
           request_jws, request_jti, request_kid, request_alg, request_iat, submitted_by_sub, submitted_by_roles, submitted_at, due_by,
           status, status_reason, decided_at, decided_by_org, decided_by_sub, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $17)`,
        [
          s.id,
          s.requester,
          s.provider,
          s.crn,
          s.purpose,
          s.dataCategories,
          s.justification,
          s.urgency,
          s.agreementId,
          s.requestJws,
          s.requestJti,
          s.requestKid,
          s.requestAlg,
          s.requestIat,
          s.submittedBy.sub,
          s.submittedBy.roles,
          s.submittedAt,
          s.dueBy,
          s.status,
          s.statusReason,
          s.decidedAt,
          s.decidedBy?.org ?? null,
          s.decidedBy?.sub ?? null,
        ],
      );
    } catch (e) {
      if (
        (e as { code?: string }).code === '23505' &&
        (e as { constraint?: string }).constraint === 'exchange_requests_jti_unique'
      )
        throw new DuplicateRequestJti();
      throw e;
    }
  }

  async jtiUsed(requester: string, jti: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM exchange_requests WHERE requester_org = $1 AND request_jti = $2`,
      [requester, jti],
    );
    return rows.length > 0;
  }

  async findById(id: string): Promise<ExchangeRequest | null> {
    if (!isUuid(id)) return null;
    const rows: Row[] = await this.db.query(`SELECT * FROM exchange_requests WHERE id = $1`, [id]);
    return rows.length ? toDomain(rows[0]) : null;
  }

  /**
   * Loads `id` locked for update until `tx` ends; null when there is no such request. A
   * concurrent change waits for the lock and then sees the new status.
   *
   * While `tx` is open it holds a pooled connection: the work inside it must not wait for
   * another one (read what it needs before), or enough concurrent changes exhaust the pool and
   * wait on each other until the connect timeout. The access-log append of a release is fine:
   * the log writes over its own connection.
   */
  async lock(tx: EntityManager, id: string): Promise<ExchangeRequest | null> {
    if (!isUuid(id)) return null;
    const rows: Row[] = await tx.query(`SELECT * FROM exchange_requests WHERE id = $1 FOR UPDATE`, [id]);
    return rows.length ? toDomain(rows[0]) : null;
  }

  async list(f: ListFilter): Promise<ExchangeRequest[]> {
    const params: unknown[] = [f.org];
    const where: string[] = [];
    if (f.direction === 'incoming') where.push('provider_org = $1');
    else if (f.direction === 'outgoing') where.push('requester_org = $1');
    else where.push('(provider_org = $1 OR requester_org = $1)');
    if (f.status) where.push(`status = $${params.push(f.status)}`);
    if (f.overdue !== undefined) {
      const cond = `(status IN ('SUBMITTED', 'APPROVED') AND due_by < $${params.push(f.now)})`;
      where.push(f.overdue ? cond : `NOT ${cond}`);
    }
    if (f.after) where.push(`(submitted_at, id) < ($${params.push(f.after.submittedAt)}, $${params.push(f.after.id)})`);
    const rows: Row[] = await this.db.query(
      `SELECT * FROM exchange_requests WHERE ${where.join(' AND ')} ORDER BY submitted_at DESC, id DESC LIMIT $${params.push(f.limit)}`,
      params,
    );
    return rows.map(toDomain);
  }

  /** Ids of open requests made under an agreement (for the suspension and termination reactions). */
  async openUnderAgreement(agreementId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM exchange_requests WHERE agreement_id = $1 AND status IN ('SUBMITTED', 'APPROVED') ORDER BY submitted_at`,
      [agreementId],
    );
    return rows.map((r) => r.id);
  }

  /** Open requests past their due time, by provider and urgency (the overdue gauge). */
  async countOverdue(now: Date): Promise<{ provider: string; urgency: Urgency; count: number }[]> {
    const rows: { provider: string; urgency: Urgency; count: number }[] = await this.db.query(
      `SELECT provider_org AS provider, urgency, count(*)::int AS count FROM exchange_requests
        WHERE status IN ('SUBMITTED', 'APPROVED') AND due_by < $1 GROUP BY 1, 2`,
      [now],
    );
    return rows;
  }

  /** Open requests (SUBMITTED or APPROVED) due at or before `by`, oldest deadline first. */
  async openDueBy(tx: EntityManager, by: Date): Promise<OpenDeadline[]> {
    const rows: {
      id: string;
      requester: string;
      provider: string;
      urgency: Urgency;
      due_by: Date;
      approved_by: string | null;
    }[] = await tx.query(
      `SELECT id::text, requester_org AS requester, provider_org AS provider, urgency, due_by,
              CASE WHEN status = 'APPROVED' THEN decided_by_org || '/' || decided_by_sub END AS approved_by
         FROM exchange_requests WHERE status IN ('SUBMITTED', 'APPROVED') AND due_by <= $1 ORDER BY due_by`,
      [by],
    );
    return rows.map((r) => ({
      id: r.id,
      requester: r.requester,
      provider: r.provider,
      urgency: r.urgency,
      dueBy: r.due_by,
      approvedBy: r.approved_by,
    }));
  }

  /** Writes the request's lifecycle state (after a transition) in `tx`. */
  async save(tx: EntityManager, r: ExchangeRequest): Promise<void> {
    const s = r.state;
    await tx.query(
      `UPDATE exchange_requests SET status = $2, status_reason = $3, decided_at = $4, decided_by_org = $5, decided_by_sub = $6,
         agreement_version = $7, fields_released = $8, fields_withheld = $9, release_log_index = $10, response_jws = $11, fulfilled_at = $12, updated_at = now()
       WHERE id = $1`,
      [
        s.id,
        s.status,
        s.statusReason,
        s.decidedAt,
        s.decidedBy?.org ?? null,
        s.decidedBy?.sub ?? null,
        s.release?.agreementVersion ?? null,
        s.release?.fieldsReleased ?? null,
        s.release?.fieldsWithheld ?? null,
        s.release?.logIndex ?? null,
        s.release?.responseJws ?? null,
        s.release?.at ?? null,
      ],
    );
  }
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}
