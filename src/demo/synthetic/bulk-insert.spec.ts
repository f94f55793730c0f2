import { DataSource } from 'typeorm';
import { TestGateway } from '@test/setup/test-app.js';
import { bulkInsertCases } from './bulk-insert.js';
import { generateCase, generateCases, startOfTodayUtc } from './generator.js';

describe(bulkInsertCases.name, () => {
  let gw: TestGateway;
  let ds: DataSource;
  const options = { seed: 5, now: startOfTodayUtc() };
  const counts = async () =>
    (
      await gw.sql<{ cases: string; assessments: string }>(
        `SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM case_assessments) AS assessments`,
      )
    )[0];

  beforeAll(async () => {
    gw = await TestGateway.start();
    ds = gw.app.get(DataSource); // the application's own least-privileged connection
  });
  afterAll(() => gw?.close());

  it('writes every generated case and assessment, as the generator made them', async () => {
    const r = await bulkInsertCases(ds, { ...options, count: 250, batchSize: 100 });
    const expected = [...generateCases(250, options)];
    expect(r).toMatchObject({
      generated: 250,
      inserted: 250,
      skipped: 0,
      assessments: expected.reduce((n, c) => n + c.assessments.length, 0),
    });
    expect(await counts()).toEqual({ cases: '250', assessments: String(r.assessments) });

    const c = expected.find((x) => x.body.mappa !== null && x.body.iom !== null) ?? expected[0];
    const [row] = await gw.sql<Record<string, unknown>>(
      `SELECT managing_org, person, tier, rosh, mappa, iom_cohort, iom_force, licence_conditions, restricted FROM cases WHERE crn = $1`,
      [c.crn],
    );
    expect(row).toEqual({
      managing_org: c.body.managingOrg,
      person: c.body.person,
      tier: c.body.tier,
      rosh: c.body.rosh,
      mappa: c.body.mappa,
      iom_cohort: c.body.iom?.cohort ?? false,
      iom_force: c.body.iom?.force ?? null,
      licence_conditions: c.body.licenceConditions,
      restricted: c.body.restricted,
    });
    const nulls = await gw.sql(
      `SELECT crn FROM cases WHERE mappa = 'null'::jsonb UNION ALL SELECT crn FROM case_assessments WHERE sensitive = 'null'::jsonb`,
    );
    expect(nulls).toEqual([]); // absent values are SQL NULL, not JSON null
  });

  it('skips CRNs that exist and leaves their assessments alone', async () => {
    const before = await counts();
    const r = await bulkInsertCases(ds, { ...options, from: 200, count: 100, batchSize: 30 });
    const fresh = [...generateCases(50, { ...options, from: 250 })];
    expect(r).toMatchObject({
      generated: 100,
      inserted: 50,
      skipped: 50,
      assessments: fresh.reduce((n, c) => n + c.assessments.length, 0),
    });
    expect(await counts()).toEqual({ cases: '300', assessments: String(Number(before.assessments) + r.assessments) });
  });

  it('loads cases the API serves: the managing offender manager reads the summary of a bulk-loaded case', async () => {
    const c = [...generateCases(250, options)].find(
      (x) => x.body.managingOrg === 'nps-north-east' && !x.body.restricted,
    )!;
    const res = await gw.call('GET', `/cases/${c.crn}/summary?purpose=RISK_MANAGEMENT`, {
      org: gw.orgs['nps-north-east'],
      roles: ['offender-manager'],
      reason: 'risk review',
    });
    expect(res.status).toBe(200);
    const latest = c.assessments.at(-1)!.body;
    expect(res.body).toMatchObject({
      crn: c.crn,
      tier: c.body.tier,
      rosh: c.body.rosh,
      scores: { ogrs3TwoYear: latest.scores.ogrs3TwoYear, rsr: latest.scores.rsr },
    });
  });

  it('makes payloads the API accepts as they are (the same generator can drive HTTP calls)', async () => {
    const c = generateCase(10_000, options);
    const sys = { org: gw.orgs[c.body.managingOrg], roles: ['system'], sub: 'system:cms', reason: 'case sync' };
    // Created by the allocating authority (the NPS creates CRC cases for the CRC).
    const creator = {
      ...sys,
      org: gw.orgs[c.body.managingOrg.startsWith('crc-') ? 'nps-north-east' : c.body.managingOrg],
    };
    expect((await gw.call('PUT', `/cases/${c.crn}`, creator, c.body)).status).toBe(201);
    for (const a of c.assessments) {
      const res = await gw.call('PUT', `/cases/${c.crn}/assessments/${a.assessmentId}`, sys, a.body);
      expect(res.status).toBe(201);
    }
  });
});
