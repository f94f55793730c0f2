import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { intentOfChangeSql, type LogIntent, type PendingIntent } from '@modules/access-log/index.js';
import { ClaimReads, takeClaimedRow } from '@shared/database/claim-reads.js';
import { PreparedStatement } from '@shared/database/prepared.js';
import { eventsOfChangeSql, eventsParam, type OutboxEvent } from '@shared/events/index.js';
import type { Transaction } from '@shared/database/transaction.js';
import type { DataCategory, Purpose } from '@shared/domain/vocabulary.js';
import { ExchangeRequest, type ExchangeStatus, type Urgency } from '../domain/exchange-request.js';
import {
  DuplicateRequestJti,
  EXCHANGE_REQUEST_CLAIM_READ,
  ExchangeRequestRepository,
  type ListFilter,
  type OpenDeadline,
} from '../domain/exchange-request.repository.port.js';
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

// The statements every exchange runs, prepared (see PreparedStatement). Columns are named, not
// `*`: a prepared statement's result columns must not change under it.
const COLUMNS = `id, requester_org, provider_org, crn, purpose, data_categories, justification, urgency, agreement_id,
  request_jws, request_jti, request_kid, request_alg, request_iat, submitted_by_sub, submitted_by_roles, submitted_at, due_by,
  status, status_reason, decided_at, decided_by_org, decided_by_sub, agreement_version, fields_released, fields_withheld,
  release_log_index, response_jws, fulfilled_at`;
const INSERT_VALUES = `INSERT INTO exchange_requests (id, requester_org, provider_org, crn, purpose, data_categories, justification, urgency, agreement_id,
           request_jws, request_jti, request_kid, request_alg, request_iat, submitted_by_sub, submitted_by_roles, submitted_at, due_by,
           status, status_reason, decided_at, decided_by_org, decided_by_sub, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $17)`;
// A submission in one statement: the request, its log intent ($24) and its events ($25). If the
// insert fails (a jti used before), the statement writes nothing at all.
const SUBMIT = new PreparedStatement(
  'exchange.submit',
  `WITH stored AS (${INSERT_VALUES} RETURNING id),
        intent AS (${intentOfChangeSql(24, 'stored')}),
        events AS (${eventsOfChangeSql(25, 'stored')})
   SELECT id FROM intent`,
);
const SET_STATE = `UPDATE exchange_requests SET status = $2, status_reason = $3, decided_at = $4, decided_by_org = $5, decided_by_sub = $6,
         agreement_version = $7, fields_released = $8, fields_withheld = $9, release_log_index = $10, response_jws = $11, fulfilled_at = $12, updated_at = now()
       WHERE id = $1`;
const SAVE = new PreparedStatement('exchange.save', SET_STATE);
// A transition from status $13 in one statement with its events ($14): nothing is written when
// the request had moved on (the update's row lock sees the newest version).
const SAVE_IF = new PreparedStatement(
  'exchange.save-if',
  `WITH saved AS (${SET_STATE} AND status = $13 RETURNING id),
        events AS (${eventsOfChangeSql(14, 'saved')})
   SELECT count(*)::int AS saved FROM saved`,
);
const findByIdSql = (id: string) => `SELECT ${COLUMNS} FROM exchange_requests WHERE id = ${id}`;
const FIND_BY_ID = new PreparedStatement('exchange.find-by-id', findByIdSql('$1'));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCK = new PreparedStatement(
  'exchange.lock',
  `SELECT ${COLUMNS} FROM exchange_requests WHERE id = $1 FOR UPDATE`,
);

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

/** Exchange requests in PostgreSQL. */
@Injectable()
export class PgExchangeRequestRepository extends ExchangeRequestRepository {
  constructor(
    private readonly db: DataSource,
    reads: ClaimReads,
  ) {
    super();
    reads.register(EXCHANGE_REQUEST_CLAIM_READ, { sql: findByIdSql('$key::uuid'), key: UUID });
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async submit(r: ExchangeRequest, intent: PendingIntent, events: readonly OutboxEvent[]): Promise<LogIntent> {
    const s = r.state;
    try {
      const [row] = await SUBMIT.rows<{ id: string }>(this.db, [
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
        intent.param,
        eventsParam(events),
      ]);
      return { id: row.id, prepared: intent.prepared };
    } catch (e) {
      if (
        (e as { code?: string }).code === '23505' &&
        (e as { constraint?: string }).constraint === 'exchange_requests_jti_unique'
      )
        throw new DuplicateRequestJti();
      throw e;
    }
  }

  async findById(id: string): Promise<ExchangeRequest | null> {
    if (!isUuid(id)) return null;
    // Read by the request's token claim where its route names the request (the same SELECT, as JSON).
    const claimed = takeClaimedRow<Row>(EXCHANGE_REQUEST_CLAIM_READ, id);
    if (claimed) return claimed.row ? toDomain(fromJson(claimed.row)) : null;
    const rows = await FIND_BY_ID.rows<Row>(this.db, [id]);
    return rows.length ? toDomain(rows[0]) : null;
  }

  async lock(tx: Transaction, id: string): Promise<ExchangeRequest | null> {
    if (!isUuid(id)) return null;
    const rows = await LOCK.rows<Row>(tx, [id]);
    return rows.length ? toDomain(rows[0]) : null;
  }

  async list(f: ListFilter): Promise<ExchangeRequest[]> {
    const params: unknown[] = [f.org];
    const where: string[] = [];
    if (f.direction === 'incoming') where.push('provider_org = $1');
    else if (f.direction === 'outgoing') where.push('requester_org = $1');
    else where.push('(provider_org = $1 OR requester_org = $1)');
    if (f.status) where.push(`status = $${params.push(f.status)}`);
    if (f.submittedBy) where.push(`submitted_by_sub = $${params.push(f.submittedBy)}`);
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

  async openUnderAgreement(agreementId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM exchange_requests WHERE agreement_id = $1 AND status IN ('SUBMITTED', 'APPROVED') ORDER BY submitted_at`,
      [agreementId],
    );
    return rows.map((r) => r.id);
  }

  async countOverdue(now: Date): Promise<{ provider: string; urgency: Urgency; count: number }[]> {
    const rows: { provider: string; urgency: Urgency; count: number }[] = await this.db.query(
      `SELECT provider_org AS provider, urgency, count(*)::int AS count FROM exchange_requests
        WHERE status IN ('SUBMITTED', 'APPROVED') AND due_by < $1 GROUP BY 1, 2`,
      [now],
    );
    return rows;
  }

  async openDueBy(tx: Transaction, by: Date): Promise<OpenDeadline[]> {
    const rows = await tx.query<
      { id: string; requester: string; provider: string; urgency: Urgency; due_by: Date; approved_by: string | null }[]
    >(
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

  async save(tx: Transaction, r: ExchangeRequest): Promise<void> {
    await SAVE.rows(tx, stateOf(r));
  }

  async saveIf(r: ExchangeRequest, from: ExchangeStatus, events: readonly OutboxEvent[]): Promise<boolean> {
    const [row] = await SAVE_IF.rows<{ saved: number }>(this.db, [...stateOf(r), from, eventsParam(events)]);
    return row.saved === 1;
  }
}

/** SET_STATE's parameters: the request's lifecycle state. */
function stateOf(r: ExchangeRequest): unknown[] {
  const s = r.state;
  return [
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
  ];
}

function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** A row as to_jsonb wrote it (a claim read): its timestamps as dates again. */
function fromJson(r: Row): Row {
  const at = (v: Date | null) => (v === null ? null : new Date(v));
  return {
    ...r,
    request_iat: new Date(r.request_iat),
    submitted_at: new Date(r.submitted_at),
    due_by: new Date(r.due_by),
    decided_at: at(r.decided_at),
    fulfilled_at: at(r.fulfilled_at),
  };
}
