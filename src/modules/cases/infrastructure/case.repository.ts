import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Assessment, CaseRecord } from '../domain/case.types.js';

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
    restricted: r.restricted,
    escalation: r.escalation,
    pendingTransfer: r.pending_transfer,
    updatedAt: r.updated_at,
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

const CASE_COLUMNS = `c.crn, c.managing_org, c.person, c.tier, c.rosh, c.mappa, c.iom_cohort, c.iom_force, c.licence_conditions, c.restricted, c.escalation, c.pending_transfer, c.updated_at`;

/** Case records and assessments. Plain SQL: one round trip per read on the hot path. */
@Injectable()
export class CaseRepository {
  constructor(private readonly db: DataSource) {}

  /** The case and its latest completed assessment, in one query. */
  async loadWithLatestAssessment(crn: string): Promise<{ record: CaseRecord; assessment: Assessment | null } | null> {
    const rows: (CaseRow & { a: AssessmentRow | null })[] = await this.db.query(
      `SELECT ${CASE_COLUMNS}, to_jsonb(a) AS a
         FROM cases c
         LEFT JOIN LATERAL (
           SELECT assessment_id, completed_at, assessor, authored_by_org, scores, rosh, needs, risk_management_plan, sensitive
             FROM case_assessments WHERE crn = c.crn ORDER BY completed_at DESC, received_at DESC LIMIT 1) a ON true
        WHERE c.crn = $1`,
      [crn],
    );
    if (!rows.length) return null;
    const r = rows[0];
    const a = r.a ? toAssessment({ ...r.a, completed_at: new Date(r.a.completed_at) }) : null;
    return { record: toRecord(r), assessment: a };
  }

  async load(crn: string, m: EntityManager = this.db.manager, forUpdate = false): Promise<CaseRecord | null> {
    const rows: CaseRow[] = await m.query(
      `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.crn = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [crn],
    );
    return rows.length ? toRecord(rows[0]) : null;
  }

  async upsert(
    m: EntityManager,
    c: Omit<CaseRecord, 'escalation' | 'pendingTransfer' | 'updatedAt'>,
  ): Promise<'created' | 'updated'> {
    const rows: { inserted: boolean }[] = await m.query(
      `INSERT INTO cases (crn, managing_org, person, tier, rosh, mappa, iom_cohort, iom_force, licence_conditions, restricted)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (crn) DO UPDATE SET person = EXCLUDED.person, tier = EXCLUDED.tier, rosh = EXCLUDED.rosh, mappa = EXCLUDED.mappa,
         iom_cohort = EXCLUDED.iom_cohort, iom_force = EXCLUDED.iom_force, licence_conditions = EXCLUDED.licence_conditions,
         restricted = EXCLUDED.restricted, updated_at = now(), revision = cases.revision + 1
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
      ],
    );
    return rows[0].inserted ? 'created' : 'updated';
  }

  async upsertAssessment(m: EntityManager, crn: string, a: Assessment): Promise<'created' | 'updated'> {
    const rows: { inserted: boolean }[] = await m.query(
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

  async setEscalation(m: EntityManager, crn: string, escalation: CaseRecord['escalation']): Promise<void> {
    await m.query(`UPDATE cases SET escalation = $2, updated_at = now() WHERE crn = $1`, [
      crn,
      escalation ? JSON.stringify(escalation) : null,
    ]);
  }

  async listEscalations(opts: { managingOrgs?: string[]; limit: number }): Promise<CaseRecord[]> {
    const rows: CaseRow[] = await this.db.query(
      `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.escalation IS NOT NULL ${opts.managingOrgs ? 'AND c.managing_org = ANY($2)' : ''} ORDER BY c.updated_at DESC LIMIT $1`,
      opts.managingOrgs ? [opts.limit, opts.managingOrgs] : [opts.limit],
    );
    return rows.map(toRecord);
  }

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }
}
