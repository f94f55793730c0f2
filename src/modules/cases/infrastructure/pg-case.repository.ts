import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClaimReads, takeClaimedRow } from '@shared/database/claim-reads.js';
import { PreparedStatement } from '@shared/database/prepared.js';
import type { Transaction } from '@shared/database/transaction.js';
import { Case, type CaseTransfer, type PushedCase } from '../domain/case.js';
import { CASE_CLAIM_READ, CaseRepository, type LoadedCase } from '../domain/case.repository.port.js';
import { CRN_PATTERN, type Assessment, type CaseRecord, type Restriction } from '../domain/case.types.js';
import type { PersonSearch } from '../domain/person-search.js';

interface CaseRow {
  crn: string;
  managing_org: string;
  person: CaseRecord['person'];
  tier: CaseRecord['tier'];
  rosh: CaseRecord['rosh'];
  mappa: CaseRecord['mappa'];
  iom_cohort: boolean;
  iom_force: string | null;
  licence_conditions: string[];
  restricted: boolean;
  escalation: CaseRecord['escalation'];
  pending_transfer: CaseRecord['pendingTransfer'];
  updated_at: Date;
  created_at: Date;
  supervision_ended_on: string | null;
  restriction: Restriction | null;
}

interface AssessmentRow {
  assessment_id: string;
  completed_at: Date;
  assessor: string;
  authored_by_org: string;
  scores: Assessment['scores'];
  rosh: Assessment['rosh'];
  needs: Assessment['needs'];
  risk_management_plan: Assessment['riskManagementPlan'];
  sensitive: Assessment['sensitive'];
}

function toRecord(r: CaseRow): CaseRecord {
  return {
    crn: r.crn,
    managingOrg: r.managing_org,
    person: r.person,
    tier: r.tier,
    rosh: r.rosh,
    mappa: r.mappa,
    iom: r.iom_force !== null || r.iom_cohort ? { cohort: r.iom_cohort, force: r.iom_force ?? '' } : null,
    licenceConditions: r.licence_conditions,
    // Restricted as pushed by the case system, or by its manager under s.47: either hides it alike.
    restricted: r.restricted || r.restriction !== null,
    escalation: r.escalation,
    pendingTransfer: r.pending_transfer,
    updatedAt: r.updated_at,
    createdAt: r.created_at,
    supervisionEndedOn: r.supervision_ended_on,
    restriction: r.restriction,
  };
}

function toAssessment(r: AssessmentRow): Assessment {
  return {
    assessmentId: r.assessment_id,
    completedAt: r.completed_at,
    assessor: r.assessor,
    authoredByOrg: r.authored_by_org,
    scores: r.scores,
    rosh: r.rosh,
    needs: r.needs,
    riskManagementPlan: r.risk_management_plan,
    sensitive: r.sensitive,
  };
}

const CASE_COLUMNS = `c.crn, c.managing_org, c.person, c.tier, c.rosh, c.mappa, c.iom_cohort, c.iom_force, c.licence_conditions, c.restricted, c.escalation, c.pending_transfer, c.updated_at, c.created_at,
  to_char(c.supervision_ended_on, 'YYYY-MM-DD') AS supervision_ended_on, c.restriction`;

type LoadedRow = CaseRow & { a: AssessmentRow | null };

function loaded(r: LoadedRow): LoadedCase {
  const a = r.a ? toAssessment({ ...r.a, completed_at: new Date(r.a.completed_at) }) : null;
  return { record: toRecord(r), assessment: a };
}

/** The case `crn` names (a parameter) with its latest assessment as JSON. */
const loadWithLatestAssessmentSql = (crn: string) => `SELECT ${CASE_COLUMNS}, to_jsonb(a) AS a
     FROM cases c
     LEFT JOIN LATERAL (
       SELECT assessment_id, completed_at, assessor, authored_by_org, scores, rosh, needs, risk_management_plan, sensitive
         FROM case_assessments WHERE crn = c.crn ORDER BY completed_at DESC, received_at DESC LIMIT 1) a ON true
    WHERE c.crn = ${crn}`;
const LOAD_WITH_LATEST_ASSESSMENT_SQL = loadWithLatestAssessmentSql('$1');
const LOAD_WITH_LATEST_ASSESSMENT = new PreparedStatement(
  'cases.load-with-latest-assessment',
  LOAD_WITH_LATEST_ASSESSMENT_SQL,
);
/** The same, in a transaction that releases what it read: the case row is held until it ends. */
const LOAD_AND_HOLD_WITH_LATEST_ASSESSMENT = `${LOAD_WITH_LATEST_ASSESSMENT_SQL} FOR SHARE OF c`;

/** Case records, assessments and transfers in PostgreSQL. Plain SQL: one round trip per read on the hot path. */
@Injectable()
export class PgCaseRepository extends CaseRepository {
  constructor(
    private readonly db: DataSource,
    reads: ClaimReads,
  ) {
    super();
    reads.register(CASE_CLAIM_READ, { sql: loadWithLatestAssessmentSql('$key'), key: CRN_PATTERN });
  }

  async loadWithLatestAssessment(crn: string, tx?: Transaction): Promise<LoadedCase | null> {
    // Every case read runs it: read by the request's token claim where its route names the case
    // (the same SELECT, as JSON), else prepared, outside a transaction.
    const claimed = tx ? undefined : takeClaimedRow<LoadedRow>(CASE_CLAIM_READ, crn);
    if (claimed)
      return claimed.row
        ? loaded({
            ...claimed.row,
            updated_at: new Date(claimed.row.updated_at),
            created_at: new Date(claimed.row.created_at),
          })
        : null;
    const rows = tx
      ? await tx.query<LoadedRow[]>(LOAD_AND_HOLD_WITH_LATEST_ASSESSMENT, [crn])
      : await LOAD_WITH_LATEST_ASSESSMENT.rows<LoadedRow>(this.db, [crn]);
    return rows.length ? loaded(rows[0]) : null;
  }

  async findPeople(search: PersonSearch, limit: number): Promise<CaseRecord[]> {
    // Each form matches an index: the primary key, cases_person_pnc_idx, cases_person_name_dob_idx.
    const [where, params] =
      search.by === 'crn'
        ? [`c.crn = $2`, [search.crn]]
        : search.by === 'pnc'
          ? [`c.person->>'pncId' = $2`, [search.pnc]]
          : [
              `lower(c.person->>'familyName') = lower($2) AND c.person->>'dateOfBirth' = $3 AND lower(c.person->>'givenName') = lower($4)`,
              [search.familyName, search.dateOfBirth, search.givenName],
            ];
    const rows: CaseRow[] = await this.db.query(
      `SELECT ${CASE_COLUMNS} FROM cases c WHERE ${where} ORDER BY c.crn LIMIT $1`,
      [limit, ...params],
    );
    return rows.map(toRecord);
  }

  async listIomCohort(force: string, limit: number): Promise<LoadedCase[]> {
    const rows: (CaseRow & { a: AssessmentRow | null })[] = await this.db.query(
      `SELECT ${CASE_COLUMNS}, to_jsonb(a) AS a
         FROM cases c
         LEFT JOIN LATERAL (
           SELECT assessment_id, completed_at, assessor, authored_by_org, scores, rosh, needs, risk_management_plan, sensitive
             FROM case_assessments WHERE crn = c.crn ORDER BY completed_at DESC, received_at DESC LIMIT 1) a ON true
        WHERE c.iom_cohort AND c.iom_force = $1
        ORDER BY c.crn LIMIT $2`,
      [force, limit],
    );
    return rows.map((r) => ({
      record: toRecord(r),
      assessment: r.a ? toAssessment({ ...r.a, completed_at: new Date(r.a.completed_at) }) : null,
    }));
  }

  async listEscalations(opts: { managingOrgs?: string[]; limit: number }): Promise<CaseRecord[]> {
    const rows: CaseRow[] = await this.db.query(
      `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.escalation IS NOT NULL ${opts.managingOrgs ? 'AND c.managing_org = ANY($2)' : ''} ORDER BY c.updated_at DESC LIMIT $1`,
      opts.managingOrgs ? [opts.limit, opts.managingOrgs] : [opts.limit],
    );
    return rows.map(toRecord);
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async lock(tx: Transaction, crn: string): Promise<Case | null> {
    const rows = await tx.query<CaseRow[]>(`SELECT ${CASE_COLUMNS} FROM cases c WHERE c.crn = $1 FOR UPDATE`, [crn]);
    return rows.length ? Case.restore(toRecord(rows[0])) : null;
  }

  async lockTransfer(tx: Transaction, crn: string, id: string): Promise<CaseTransfer | null> {
    const rows = await tx.query<{ from_org: string; to_org: string; reason: string; status: CaseTransfer['status'] }[]>(
      `SELECT from_org, to_org, reason, status FROM case_transfers WHERE id = $1 AND crn = $2 FOR UPDATE`,
      [id, crn],
    );
    if (!rows.length) return null;
    const r = rows[0];
    return { id, crn, fromOrg: r.from_org, toOrg: r.to_org, reason: r.reason, status: r.status };
  }

  async push(tx: Transaction, c: PushedCase): Promise<'created' | 'updated'> {
    const rows = await tx.query<{ inserted: boolean }[]>(
      `INSERT INTO cases (crn, managing_org, person, tier, rosh, mappa, iom_cohort, iom_force, licence_conditions, restricted, supervision_ended_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (crn) DO UPDATE SET person = EXCLUDED.person, tier = EXCLUDED.tier, rosh = EXCLUDED.rosh, mappa = EXCLUDED.mappa,
         iom_cohort = EXCLUDED.iom_cohort, iom_force = EXCLUDED.iom_force, licence_conditions = EXCLUDED.licence_conditions,
         restricted = EXCLUDED.restricted, supervision_ended_on = EXCLUDED.supervision_ended_on, updated_at = now(), revision = cases.revision + 1
       RETURNING (xmax = 0) AS inserted`,
      [
        c.crn,
        c.managingOrg,
        JSON.stringify(c.person),
        c.tier,
        JSON.stringify(c.rosh),
        c.mappa ? JSON.stringify(c.mappa) : null,
        c.iom?.cohort ?? false,
        c.iom?.force ?? null,
        JSON.stringify(c.licenceConditions),
        c.restricted,
        c.supervisionEndedOn ?? null,
      ],
    );
    return rows[0].inserted ? 'created' : 'updated';
  }

  async save(tx: Transaction, c: Case): Promise<void> {
    const r = c.record;
    // A change of manager changes what every reader may see, so it moves the revision on (and the ETag with it).
    await tx.query(
      `UPDATE cases SET revision = revision + (CASE WHEN managing_org = $2 THEN 0 ELSE 1 END),
         managing_org = $2, escalation = $3, pending_transfer = $4, updated_at = now() WHERE crn = $1`,
      [
        r.crn,
        r.managingOrg,
        r.escalation ? JSON.stringify(r.escalation) : null,
        r.pendingTransfer ? JSON.stringify(r.pendingTransfer) : null,
      ],
    );
  }

  async saveAssessment(tx: Transaction, crn: string, a: Assessment): Promise<'created' | 'updated'> {
    const rows = await tx.query<{ inserted: boolean }[]>(
      `INSERT INTO case_assessments (crn, assessment_id, authored_by_org, completed_at, assessor, scores, rosh, needs, risk_management_plan, sensitive)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (crn, assessment_id) DO UPDATE SET completed_at = EXCLUDED.completed_at, assessor = EXCLUDED.assessor, scores = EXCLUDED.scores,
         rosh = EXCLUDED.rosh, needs = EXCLUDED.needs, risk_management_plan = EXCLUDED.risk_management_plan, sensitive = EXCLUDED.sensitive, received_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [
        crn,
        a.assessmentId,
        a.authoredByOrg,
        a.completedAt,
        a.assessor,
        JSON.stringify(a.scores),
        JSON.stringify(a.rosh),
        JSON.stringify(a.needs),
        JSON.stringify(a.riskManagementPlan),
        a.sensitive ? JSON.stringify(a.sensitive) : null,
      ],
    );
    return rows[0].inserted ? 'created' : 'updated';
  }

  async saveTransfer(tx: Transaction, t: CaseTransfer, bySub: string): Promise<void> {
    if (t.status === 'PENDING') {
      await tx.query(
        `INSERT INTO case_transfers (id, crn, from_org, to_org, reason, status, requested_at, requested_by) VALUES ($1, $2, $3, $4, $5, 'PENDING', now(), $6)`,
        [t.id, t.crn, t.fromOrg, t.toOrg, t.reason, bySub],
      );
      return;
    }
    await tx.query(`UPDATE case_transfers SET status = $2, decided_at = now(), decided_by = $3 WHERE id = $1`, [
      t.id,
      t.status,
      bySub,
    ]);
  }

  async saveRights(tx: Transaction, c: Case): Promise<void> {
    const r = c.record;
    await tx.query(
      `UPDATE cases SET person = $2, tier = $3, mappa = $4, iom_cohort = $5, iom_force = $6, licence_conditions = $7,
         restriction = $8, updated_at = now(), revision = revision + 1 WHERE crn = $1`,
      [
        r.crn,
        JSON.stringify(r.person),
        r.tier,
        r.mappa ? JSON.stringify(r.mappa) : null,
        r.iom?.cohort ?? false,
        r.iom?.force ?? null,
        JSON.stringify(r.licenceConditions),
        r.restriction ? JSON.stringify(r.restriction) : null,
      ],
    );
  }

  async eraseSensitive(tx: Transaction, crn: string): Promise<void> {
    await tx.query(`UPDATE case_assessments SET sensitive = NULL WHERE crn = $1 AND sensitive IS NOT NULL`, [crn]);
  }

  async erase(tx: Transaction, crn: string): Promise<boolean> {
    await tx.query(`DELETE FROM case_assessments WHERE crn = $1`, [crn]);
    await tx.query(`DELETE FROM case_transfers WHERE crn = $1`, [crn]);
    const rows = await tx.query<{ crn: string }[]>(
      `WITH gone AS (DELETE FROM cases WHERE crn = $1 RETURNING crn) SELECT crn FROM gone`,
      [crn],
    );
    return rows.length > 0;
  }

  async eraseAssessment(tx: Transaction, crn: string, assessmentId: string): Promise<boolean> {
    const rows = await tx.query<{ crn: string }[]>(
      `WITH gone AS (DELETE FROM case_assessments WHERE crn = $1 AND assessment_id = $2 RETURNING crn) SELECT crn FROM gone`,
      [crn, assessmentId],
    );
    return rows.length > 0;
  }

  async recipientsOf(
    tx: Transaction,
    crn: string,
    fields: readonly string[] | null,
    except: string,
  ): Promise<string[]> {
    // The log's own columns say who received something about the CRN; which fields is in the
    // stored entry (its canonical JSON). An entry pruned under the log's retention period no
    // longer names the CRN (its body columns are NULL), so it counts for nobody. Only this
    // record's entries count: a CRN erased and allocated again is a new record, and whoever
    // received the earlier one must not be told (and so learn) that the new one exists. Entries
    // made before the record was created are the earlier record's.
    const rows = await tx.query<{ org: string }[]>(
      `SELECT DISTINCT org FROM (
         SELECT recipient_org AS org, convert_from(entry, 'UTF8')::jsonb -> 'fieldsReleased' AS released FROM access_log_entries
          WHERE crn = $1 AND decision = 'ALLOW' AND recipient_org IS NOT NULL AND recipient_org <> $2
            AND ts >= coalesce((SELECT created_at FROM cases WHERE crn = $1), '-infinity')) e
        WHERE CASE WHEN $3::text[] IS NULL THEN jsonb_array_length(coalesce(released, '[]')) > 0
                   ELSE coalesce(jsonb_exists_any(released, $3::text[]), false) END
        ORDER BY 1`,
      [crn, except, fields ? [...fields] : null],
    );
    return rows.map((r) => r.org);
  }
}
