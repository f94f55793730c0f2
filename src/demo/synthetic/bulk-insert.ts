/**
 * The fast path for synthetic data: cases and assessments written straight into their tables,
 * a batch per transaction, each batch as one JSON parameter expanded by json_to_recordset (a
 * handful of statements per thousand cases instead of thousands of API calls).
 *
 * This deliberately bypasses the API and so the access log: loading reference data for a demo
 * or a benchmark is not anyone reading or sharing case data, and no one's access needs to be
 * recorded. Never use it for real records; those arrive through PUT /cases/{crn}.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { generateCase, type GeneratorOptions, type SyntheticCase, type SyntheticOrganisation } from './generator.js';

export interface BulkInsertOptions extends GeneratorOptions {
  /** How many cases to generate. */
  count: number;
  /** Index of the first case (to extend an earlier data set of the same seed). Default 0. */
  from?: number;
  /** Cases per transaction. Default 1,000. */
  batchSize?: number;
  /** Called after each committed batch with the number of cases handled so far. */
  onProgress?: (done: number, total: number) => void;
  /** Called with each generated case (e.g. to pick examples) in index order. */
  onCase?: (c: SyntheticCase) => void;
}

export interface BulkInsertResult {
  /** Cases generated. */
  generated: number;
  /** Cases written; the rest already existed (same CRN) and were left untouched. */
  inserted: number;
  skipped: number;
  assessments: number;
  ms: number;
}

const CASE_COLUMNS = `crn text, managing_org text, person jsonb, tier text, rosh jsonb, mappa jsonb, iom_cohort boolean, iom_force text, licence_conditions jsonb, restricted boolean`;
const ASSESSMENT_COLUMNS = `crn text, assessment_id text, authored_by_org text, completed_at timestamptz, assessor text, scores jsonb, rosh jsonb, needs jsonb, risk_management_plan jsonb, sensitive jsonb`;

const INSERT_CASES = `
  INSERT INTO cases (crn, managing_org, person, tier, rosh, mappa, iom_cohort, iom_force, licence_conditions, restricted)
  SELECT crn, managing_org, person, tier, rosh, mappa, iom_cohort, iom_force, licence_conditions, restricted
    FROM json_to_recordset($1::json) AS r(${CASE_COLUMNS})
  ON CONFLICT (crn) DO NOTHING
  RETURNING crn`;

const INSERT_ASSESSMENTS = `
  INSERT INTO case_assessments (crn, assessment_id, authored_by_org, completed_at, assessor, scores, rosh, needs, risk_management_plan, sensitive)
  SELECT crn, assessment_id, authored_by_org, completed_at, assessor, scores, rosh, needs, risk_management_plan, sensitive
    FROM json_to_recordset($1::json) AS r(${ASSESSMENT_COLUMNS})
  ON CONFLICT (crn, assessment_id) DO NOTHING`;

function caseRow(c: SyntheticCase) {
  const b = c.body;
  return {
    crn: c.crn,
    managing_org: b.managingOrg,
    person: b.person,
    tier: b.tier,
    rosh: b.rosh,
    mappa: b.mappa,
    iom_cohort: b.iom?.cohort ?? false,
    iom_force: b.iom?.force ?? null,
    licence_conditions: b.licenceConditions,
    restricted: b.restricted,
  };
}

function assessmentRows(c: SyntheticCase) {
  // The managing organisation's system pushes assessments, so it is their author.
  return c.assessments.map((a) => ({
    crn: c.crn,
    assessment_id: a.assessmentId,
    authored_by_org: c.body.managingOrg,
    completed_at: a.body.completedAt,
    assessor: a.body.assessor,
    scores: a.body.scores,
    rosh: a.body.rosh,
    needs: a.body.needs,
    risk_management_plan: a.body.riskManagementPlan,
    sensitive: a.body.sensitive ?? null,
  }));
}

async function writeBatch(
  m: EntityManager,
  batch: SyntheticCase[],
): Promise<{ inserted: number; assessments: number }> {
  const rows: { crn: string }[] = await m.query(INSERT_CASES, [JSON.stringify(batch.map(caseRow))]);
  if (!rows.length) return { inserted: 0, assessments: 0 };
  // Assessments only for cases written now: an existing case keeps its own history.
  const written = new Set(rows.map((r) => r.crn));
  const fresh = rows.length === batch.length ? batch : batch.filter((c) => written.has(c.crn));
  const assessments = fresh.flatMap(assessmentRows);
  await m.query(INSERT_ASSESSMENTS, [JSON.stringify(assessments)]);
  return { inserted: rows.length, assessments: assessments.length };
}

/**
 * Generates `count` cases and writes them, skipping CRNs that exist. Two batches are in flight
 * at once, so generating the next batch overlaps with the database writing the previous one.
 */
export async function bulkInsertCases(ds: DataSource, o: BulkInsertOptions): Promise<BulkInsertResult> {
  const started = performance.now();
  const from = o.from ?? 0;
  const batchSize = Math.max(1, o.batchSize ?? 1000);
  const result: BulkInsertResult = { generated: 0, inserted: 0, skipped: 0, assessments: 0, ms: 0 };
  let done = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (let start = from; start < from + o.count && failure === undefined; start += batchSize) {
    const batch: SyntheticCase[] = [];
    for (let i = start; i < Math.min(start + batchSize, from + o.count); i++) {
      const c = generateCase(i, o);
      o.onCase?.(c);
      batch.push(c);
    }
    result.generated += batch.length;
    const p: Promise<void> = ds
      .transaction((m) => writeBatch(m, batch))
      .then((w) => {
        result.inserted += w.inserted;
        result.assessments += w.assessments;
        done += batch.length;
        o.onProgress?.(done, o.count);
      })
      .catch((e: unknown) => {
        failure ??= { error: e };
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 2) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure.error;
  result.skipped = result.generated - result.inserted;
  result.ms = performance.now() - started;
  return result;
}

/**
 * Inserts the organisations that are missing (without keys: the demo seed adds its keys to an
 * organisation that exists without them). Case rows reference their managing organisation.
 */
export async function ensureOrganisationRows(
  ds: DataSource,
  orgs: readonly (SyntheticOrganisation & { name: string; region: string })[],
): Promise<string[]> {
  const rows: { id: string }[] = await ds.query(
    `INSERT INTO organisations (id, kind, name, region)
     SELECT id, kind, name, region FROM json_to_recordset($1::json) AS r(id text, kind text, name text, region text)
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [JSON.stringify(orgs.map(({ id, kind, name, region }) => ({ id, kind, name, region })))],
  );
  return rows.map((r) => r.id);
}

/** Refreshes planner statistics after a large load, so the first reads do not use a plan made for empty tables. */
export async function analyseCaseTables(ds: DataSource): Promise<void> {
  await ds.query('ANALYZE cases, case_assessments');
}
