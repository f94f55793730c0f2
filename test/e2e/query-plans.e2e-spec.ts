import type { DataSource } from 'typeorm';
import type { AccessLogFilter } from '@modules/access-log/domain/access-log-reader.port.js';
import { AccessLogRepository } from '@modules/access-log/infrastructure/access-log.repository.js';
import { PgCaseRepository } from '@modules/cases/infrastructure/pg-case.repository.js';
import { ClaimReads } from '@shared/database/claim-reads.js';
import { TestGateway } from '../setup/test-app.js';

// The IG searches must stay index-driven as the log grows to millions of entries: a sequential
// scan that is harmless at test sizes takes seconds at 10 million (bench/log-scale). Plans are
// checked on the SQL the repository really sends, over enough rows, after ANALYZE; no planner
// settings are changed.

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
};

function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

describe('access-log query plans', () => {
  let gw: TestGateway;
  let repo: AccessLogRepository;
  let captured: { sql: string; params: unknown[] };

  beforeAll(async () => {
    gw = await TestGateway.start();
    // 30,000 entries: 3,000 people, 400 staff, a year of timestamps, four entries to a time as a
    // batch of the real log shares one (whole milliseconds, so a JS Date names them exactly).
    // Bytes and hashes are placeholders (plans do not look at them); the tree tables accept
    // INSERT only.
    await gw.sql(`
      INSERT INTO access_log_entries (idx, ts, leaf_hash, entry, action, decision, actor_org, actor_sub, owner_org, recipient_org, crn, purpose, break_glass)
      SELECT i, date_trunc('milliseconds', now()) - interval '365 days' + (i / 4) * interval '70 minutes', sha256(int8send(i)), convert_to('{"index":' || i || '}', 'UTF8'),
             'case.summary', 'ALLOW', (ARRAY['police-cleveland','police-durham','nps-north-east','crc-northumbria'])[1 + i % 4],
             'staff-' || (i * 7919) % 400, 'nps-north-east', (ARRAY['police-cleveland','police-durham','nps-north-east','crc-northumbria'])[1 + i % 4],
             'X' || lpad(((i * 104729) % 3000)::text, 6, '0'), 'IOM', false
        FROM generate_series(0::bigint, 29999::bigint) AS i`);
    await gw.sql('ANALYZE access_log_entries');
    repo = new AccessLogRepository({
      query: (sql: string, params: unknown[]) => {
        captured = { sql, params };
        return Promise.resolve([]);
      },
    } as unknown as DataSource);
  });
  afterAll(() => gw.close());

  async function planOf(scope: { org: string | null }, filter: AccessLogFilter): Promise<PlanNode[]> {
    await repo.search(scope, filter, 51);
    const [row] = await gw.sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (FORMAT JSON) ${captured.sql}`,
      captured.params,
    );
    return nodesOf(row['QUERY PLAN'][0].Plan);
  }

  const seqScans = (nodes: PlanNode[]) =>
    nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'access_log_entries');
  const indexesUsed = (nodes: PlanNode[]) => nodes.map((n) => n['Index Name']).filter(Boolean);

  it('searches by CRN through the CRN index, for the operator and for one organisation', async () => {
    for (const scope of [{ org: null }, { org: 'police-cleveland' }]) {
      const nodes = await planOf(scope, { crn: 'X000042' });
      expect(seqScans(nodes)).toEqual([]);
      expect(indexesUsed(nodes)).toContain('access_log_entries_crn_idx');
    }
  });

  it('builds a subject access report page (CRN, older than a cursor) through the CRN index', async () => {
    await repo.search({ org: 'police-cleveland' }, { crn: 'X000042' }, 101, 20_000);
    const [row] = await gw.sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (FORMAT JSON) ${captured.sql}`,
      captured.params,
    );
    const nodes = nodesOf(row['QUERY PLAN'][0].Plan);
    expect(seqScans(nodes)).toEqual([]);
    expect(indexesUsed(nodes)).toContain('access_log_entries_crn_idx');
  });

  it('searches by actor and time range without a sequential scan', async () => {
    const to = new Date();
    const nodes = await planOf(
      { org: null },
      { actor: 'staff-17', from: new Date(to.getTime() - 30 * 86_400_000), to },
    );
    expect(seqScans(nodes)).toEqual([]);
    expect(
      indexesUsed(nodes).some((i) => i === 'access_log_entries_actor_sub_idx' || i === 'access_log_entries_ts_brin'),
    ).toBe(true);
  });

  it('searches an organisation over a time range by seeking to it: the range becomes an index range first', async () => {
    const to = new Date(Date.now() - 100 * 86_400_000);
    const nodes = await planOf(
      { org: 'police-cleveland' },
      { org: 'police-durham', from: new Date(to.getTime() - 86_400_000), to },
    );
    expect(seqScans(nodes)).toEqual([]);
    // The bounds are found by binary search on the primary key (InitPlans), and the scan that
    // returns the entries is bounded by them in its index condition (whichever index the planner
    // picks): it reads only the range, not everything newer than it.
    const scans = nodes.filter(
      (n) =>
        n['Relation Name'] === 'access_log_entries' &&
        n['Parent Relationship'] !== 'InitPlan' &&
        n['Parent Relationship'] !== 'SubPlan' &&
        n['Index Cond'],
    );
    expect(scans.some((n) => /idx >= /.test(n['Index Cond']!) && /idx < /.test(n['Index Cond']!))).toBe(true);
  });

  it('returns exactly the entries in the time range, at its edges and outside the log too', async () => {
    const real = new AccessLogRepository({
      query: (sql: string, params: unknown[]) => gw.sql(sql, params),
    } as unknown as DataSource);
    const [{ first, last }] = await gw.sql<{ first: Date; last: Date }>(
      'SELECT min(ts) AS first, max(ts) AS last FROM access_log_entries',
    );
    // The time of entry idx (entries 4k to 4k + 3 share one).
    const at = (idx: number) => new Date(first.getTime() + Math.floor(idx / 4) * 70 * 60_000);
    const ranges: [Date | undefined, Date | undefined][] = [
      [at(100), at(200)],
      [at(101), at(102)],
      [new Date(at(100).getTime() + 1), new Date(at(104).getTime() - 1)],
      [new Date(first.getTime() - 86_400_000), at(3)],
      [at(29_990), new Date(last.getTime() + 86_400_000)],
      [new Date(last.getTime() + 1), undefined],
      [undefined, new Date(first.getTime() - 1)],
      [at(5_000), undefined],
      [undefined, at(7)],
    ];
    // The edges are exact: both bounds are inclusive and take every entry sharing their time.
    const inRange = async (from?: Date, to?: Date) =>
      (await real.search({ org: null }, { from, to }, 100_000)).map((r) => r.index);
    expect(await inRange(at(101), at(102))).toEqual([103, 102, 101, 100]);
    expect(await inRange(at(100), at(200))).toEqual(Array.from({ length: 104 }, (_, i) => 203 - i));
    expect(await inRange(new Date(at(100).getTime() + 1), new Date(at(104).getTime() - 1))).toEqual([]);
    for (const [from, to] of ranges) {
      const got = (await real.search({ org: null }, { from, to }, 100_000)).map((r) => r.index);
      const want = (
        await gw.sql<{ idx: string }>(
          `SELECT idx FROM access_log_entries WHERE ($1::timestamptz IS NULL OR ts >= $1) AND ($2::timestamptz IS NULL OR ts <= $2) ORDER BY idx DESC`,
          [from ?? null, to ?? null],
        )
      ).map((r) => Number(r.idx));
      expect({ from, to, got }).toEqual({ from, to, got: want });
    }
  });
});

// Person search and cohort lists (POST /people/search, GET /cohorts/{force}/members) read cases by
// PNC ID, by name and date of birth inside the person jsonb, and by IOM force: each through an
// index, checked on the SQL PgCaseRepository really sends, over 20,000 cases after ANALYZE.
describe('person search and cohort query plans', () => {
  let gw: TestGateway;
  let repo: PgCaseRepository;
  let captured: { sql: string; params: unknown[] };

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.sql(`
      INSERT INTO cases (crn, managing_org, person, tier, rosh, iom_cohort, iom_force)
      SELECT 'P' || lpad(i::text, 6, '0'), 'nps-north-east',
             jsonb_build_object('givenName', 'Given' || (i % 700), 'familyName', 'Family' || (i % 1900),
               'dateOfBirth', to_char(date '1960-01-01' + (i * 37) % 15000, 'YYYY-MM-DD'),
               'pncId', CASE WHEN i % 3 = 0 THEN NULL ELSE (1980 + i % 40)::text || '/' || lpad(i::text, 7, '0') || 'A' END),
             'B2', '{"overall":"LOW"}', i % 40 = 0, CASE WHEN i % 40 = 0 THEN (ARRAY['cleveland','durham'])[1 + i % 2] END
        FROM generate_series(1, 20000) AS i`);
    await gw.sql('ANALYZE cases');
    repo = new PgCaseRepository(
      {
        query: (sql: string, params: unknown[]) => {
          captured = { sql, params };
          return Promise.resolve([]);
        },
      } as unknown as DataSource,
      new ClaimReads(),
    );
  });
  afterAll(() => gw.close());

  async function plan(run: () => Promise<unknown>): Promise<PlanNode[]> {
    await run();
    const [row] = await gw.sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (FORMAT JSON) ${captured.sql}`,
      captured.params,
    );
    return nodesOf(row['QUERY PLAN'][0].Plan);
  }
  const casesScanned = (nodes: PlanNode[]) =>
    nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'cases');
  const indexes = (nodes: PlanNode[]) => nodes.map((n) => n['Index Name']).filter(Boolean);

  it('finds a person by PNC ID through cases_person_pnc_idx', async () => {
    const nodes = await plan(() => repo.findPeople({ by: 'pnc', pnc: '1981/0000001A' }, 50));
    expect(casesScanned(nodes)).toEqual([]);
    expect(indexes(nodes)).toContain('cases_person_pnc_idx');
  });

  it('finds a person by name and date of birth through cases_person_name_dob_idx', async () => {
    const nodes = await plan(() =>
      repo.findPeople(
        { by: 'name-and-date-of-birth', givenName: 'given1', familyName: 'FAMILY1', dateOfBirth: '1960-02-07' },
        50,
      ),
    );
    expect(casesScanned(nodes)).toEqual([]);
    expect(indexes(nodes)).toContain('cases_person_name_dob_idx');
  });

  it('lists a force cohort through cases_iom_force_idx', async () => {
    const nodes = await plan(() => repo.listIomCohort('cleveland', 1000));
    expect(casesScanned(nodes)).toEqual([]);
    expect(indexes(nodes)).toContain('cases_iom_force_idx');
  });
});
