import { jest } from '@jest/globals';
import { AgreementCoverage } from '../../src/modules/agreements/index.js';
import { CaseRepository } from '../../src/modules/cases/index.js';
import {
  activeAgreement,
  agreementTerms,
  daysFromNow,
  riskManagementTerms,
  signatory,
} from '../factories/agreement.factory.js';
import { assessmentBody, caseBody, creatorOf } from '../factories/case.factory.js';
import { TestGateway, type TestOrg } from '../setup/test-app.js';
import { statementsRunBy } from '../support/prepared-statements.js';
import type { StoredAccessLogEntry } from '../../src/modules/access-log/domain/access-log-entry.js';

/**
 * GET /cases/{crn} and /cases/{crn}/summary: the matrix of roles x organisation kinds x
 * relationships x purposes x agreement states. Expectations are written here from the domain
 * (what an IOM officer may see, ...), not copied from the policy file.
 */

// What an IOM police officer may see of a cohort case (docs/domain.md / issue): RoSH levels,
// predictor bands (never raw scores), needs with links (no notes), plan summary, licence
// conditions and MAPPA level.
const IOM_SUMMARY = [
  'managingOrg',
  'tier',
  'assessedAt',
  'scores.ogrs3Band',
  'rosh',
  'needs',
  'riskManagementPlan.summary',
  'licenceConditions',
  'mappa.level',
];
const IDENTITY = ['person.givenName', 'person.familyName', 'person.dateOfBirth', 'person.pncId'];
const SUMMARY_ALL = [
  'managingOrg',
  'tier',
  'assessedAt',
  'scores.ogrs3Band',
  'scores.ogrs3TwoYear',
  'scores.ogp',
  'scores.ovp',
  'scores.rsr',
  'rosh',
  'needs',
  'riskManagementPlan.summary',
  'riskManagementPlan.actions',
  'licenceConditions',
  'mappa.category',
  'mappa.level',
];
const CASE_ALL = [...IDENTITY, ...SUMMARY_ALL, 'iom', 'needs.notes', 'sensitive.health', 'sensitive.victims'];
const sorted = (a: string[]) => [...a].sort();

describe('GET /cases/{crn}[/summary]', () => {
  let gw: TestGateway;
  let iomAgreement: string;
  const o = (id: string): TestOrg => gw.orgs[id];
  const sys = (id: string) => ({ org: o(id), roles: ['system'], sub: `system:${id}-cms`, reason: 'case sync' });

  async function logCount(): Promise<number> {
    return Number((await gw.sql<{ n: string }>(`SELECT count(*) AS n FROM access_log_entries`))[0].n);
  }
  async function lastEntry(): Promise<StoredAccessLogEntry> {
    return (
      await gw.sql<{ e: StoredAccessLogEntry }>(
        `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries ORDER BY idx DESC LIMIT 1`,
      )
    )[0].e;
  }

  beforeAll(async () => {
    gw = await TestGateway.start();
    // The IOM agreement: NPS and the Durham CRC provide to Cleveland Police, no special categories.
    iomAgreement = await activeAgreement(
      gw,
      agreementTerms({
        title: 'Cleveland IOM',
        parties: [
          { org: 'nps-north-east', role: 'PROVIDER' },
          { org: 'crc-durham-tees-valley', role: 'PROVIDER' },
          { org: 'police-cleveland', role: 'RECIPIENT' },
        ],
        purposes: ['IOM'],
        dataCategories: [
          'IDENTITY',
          'RISK_SUMMARY',
          'ROSH',
          'NEEDS',
          'RISK_MANAGEMENT_PLAN',
          'LICENCE_CONDITIONS',
          'MAPPA',
        ],
      }),
    );
    // MAPPA: victims with a condition, health not at all.
    await activeAgreement(
      gw,
      agreementTerms({
        title: 'MAPPA North East',
        parties: [
          { org: 'nps-north-east', role: 'PROVIDER' },
          { org: 'police-cleveland', role: 'RECIPIENT' },
          { org: 'police-durham', role: 'RECIPIENT' },
        ],
        purposes: ['MAPPA'],
        dataCategories: [
          'IDENTITY',
          'RISK_SUMMARY',
          'ROSH',
          'NEEDS',
          'RISK_MANAGEMENT_PLAN',
          'LICENCE_CONDITIONS',
          'MAPPA',
          'VICTIMS',
        ],
        lawfulBasis: ['Criminal Justice Act 2003 s.325'],
        specialCategoryConditions: { VICTIMS: 'Victim safety planning under MAPPA guidance' },
      }),
    );
    // Risk management between the NPS and the Durham CRC, both ways, health with a condition.
    await activeAgreement(
      gw,
      riskManagementTerms({
        dataCategories: [
          'IDENTITY',
          'RISK_SUMMARY',
          'ROSH',
          'NEEDS',
          'RISK_MANAGEMENT_PLAN',
          'LICENCE_CONDITIONS',
          'MAPPA',
          'HEALTH',
        ],
        specialCategoryConditions: { HEALTH: 'DPA 2018 Sch.8 para 1: statutory purposes of probation' },
      }),
    );
    const cases: [string, string, Record<string, unknown>][] = [
      [
        'X100001',
        'nps-north-east',
        { iom: { cohort: true, force: 'cleveland' }, mappa: { category: 2, level: 2 }, tier: 'A2' },
      ],
      ['X100002', 'crc-durham-tees-valley', { iom: { cohort: true, force: 'durham' } }],
      ['X100003', 'nps-north-east', { iom: { cohort: true, force: 'cleveland' }, restricted: true }],
      ['X100004', 'nps-north-east', {}],
      ['X100005', 'crc-durham-tees-valley', {}],
    ];
    for (const [crn, org, over] of cases) {
      const put = await gw.call('PUT', `/cases/${crn}`, sys(creatorOf(org)), caseBody(org, over));
      expect(put.status).toBe(201);
      const a = await gw.call('PUT', `/cases/${crn}/assessments/A1`, sys(org), assessmentBody());
      expect(a.status).toBe(201);
    }
  });
  afterAll(() => gw.close());

  type Scenario = {
    name: string;
    org: string;
    roles: string[];
    attrs?: Record<string, string>;
    crn: string;
    purpose: string;
    view: 'summary' | 'case';
    status: number;
    released?: string[];
  };
  const iom = { roles: ['iom-officer'], attrs: { force: 'cleveland' } };
  const matrix: Scenario[] = [
    {
      name: 'IOM officer, own force cohort, summary',
      org: 'police-cleveland',
      ...iom,
      crn: 'X100001',
      purpose: 'IOM',
      view: 'summary',
      status: 200,
      released: IOM_SUMMARY,
    },
    {
      name: 'IOM officer, own force cohort, case view: identity too, never health or victims',
      org: 'police-cleveland',
      ...iom,
      crn: 'X100001',
      purpose: 'IOM',
      view: 'case',
      status: 200,
      released: [...IDENTITY, ...IOM_SUMMARY],
    },
    {
      name: 'IOM officer, CRC-provided cohort case',
      org: 'police-cleveland',
      ...iom,
      crn: 'X100002',
      purpose: 'IOM',
      view: 'summary',
      status: 404,
    },
    {
      name: 'another force reads Cleveland cohort',
      org: 'police-durham',
      roles: ['iom-officer'],
      attrs: { force: 'durham' },
      crn: 'X100001',
      purpose: 'IOM',
      view: 'summary',
      status: 404,
    },
    {
      name: 'force claimed in attrs is not the organisation',
      org: 'police-cleveland',
      roles: ['iom-officer'],
      attrs: { force: 'durham' },
      crn: 'X100002',
      purpose: 'IOM',
      view: 'summary',
      status: 404,
    },
    {
      name: 'restricted case is invisible to the police',
      org: 'police-cleveland',
      ...iom,
      crn: 'X100003',
      purpose: 'IOM',
      view: 'summary',
      status: 404,
    },
    {
      name: 'case outside the cohort',
      org: 'police-cleveland',
      ...iom,
      crn: 'X100004',
      purpose: 'IOM',
      view: 'summary',
      status: 404,
    },
    {
      name: 'IOM officer for the MAPPA purpose',
      org: 'police-cleveland',
      ...iom,
      crn: 'X100001',
      purpose: 'MAPPA',
      view: 'summary',
      status: 404,
    },
    {
      name: 'unknown CRN',
      org: 'police-cleveland',
      ...iom,
      crn: 'X999999',
      purpose: 'IOM',
      view: 'summary',
      status: 404,
    },
    {
      name: 'cohort of Durham but no agreement to Durham police: 404, as if unknown',
      org: 'police-durham',
      roles: ['iom-officer'],
      attrs: { force: 'durham' },
      crn: 'X100002',
      purpose: 'IOM',
      view: 'summary',
      status: 404,
    },
    {
      name: 'MAPPA coordinator (police) sees victims under the conditioned MAPPA agreement, not health',
      org: 'police-cleveland',
      roles: ['mappa-coordinator'],
      crn: 'X100001',
      purpose: 'MAPPA',
      view: 'case',
      status: 200,
      released: [
        ...IDENTITY,
        'managingOrg',
        'tier',
        'assessedAt',
        'scores.ogrs3Band',
        'rosh',
        'needs',
        'riskManagementPlan.summary',
        'riskManagementPlan.actions',
        'licenceConditions',
        'mappa.category',
        'mappa.level',
        'sensitive.victims',
      ],
    },
    {
      name: 'MAPPA coordinator, case not MAPPA-managed',
      org: 'police-cleveland',
      roles: ['mappa-coordinator'],
      crn: 'X100004',
      purpose: 'MAPPA',
      view: 'summary',
      status: 404,
    },
    {
      name: 'managing NPS offender manager sees its own case in full',
      org: 'nps-north-east',
      roles: ['offender-manager'],
      crn: 'X100001',
      purpose: 'RISK_MANAGEMENT',
      view: 'case',
      status: 200,
      released: CASE_ALL,
    },
    {
      name: 'managing NPS sees its own restricted case',
      org: 'nps-north-east',
      roles: ['offender-manager'],
      crn: 'X100003',
      purpose: 'SUBJECT_ACCESS',
      view: 'summary',
      status: 200,
      released: SUMMARY_ALL,
    },
    {
      name: 'CRC with no relationship to an NPS case',
      org: 'crc-durham-tees-valley',
      roles: ['offender-manager'],
      crn: 'X100004',
      purpose: 'RISK_MANAGEMENT',
      view: 'summary',
      status: 404,
    },
    {
      name: 'NPS with no relationship to a CRC case',
      org: 'nps-north-east',
      roles: ['offender-manager'],
      crn: 'X100005',
      purpose: 'RISK_MANAGEMENT',
      view: 'summary',
      status: 404,
    },
    {
      name: 'IG reviewers see no case content',
      org: 'nps-north-east',
      roles: ['ig-reviewer'],
      crn: 'X100001',
      purpose: 'RISK_MANAGEMENT',
      view: 'summary',
      status: 403,
    },
    {
      name: 'data owners do not read cases directly',
      org: 'police-cleveland',
      roles: ['data-owner'],
      crn: 'X100001',
      purpose: 'IOM',
      view: 'summary',
      status: 403,
    },
    {
      name: 'a CRC cannot make itself an IOM officer',
      org: 'crc-durham-tees-valley',
      roles: ['iom-officer'],
      attrs: { force: 'cleveland' },
      crn: 'X100001',
      purpose: 'IOM',
      view: 'summary',
      status: 403,
    },
    {
      name: 'gateway admin reads no case data',
      org: 'gateway',
      roles: ['gateway-admin', 'ig-reviewer'],
      crn: 'X100001',
      purpose: 'IOM',
      view: 'summary',
      status: 403,
    },
  ];

  it.each(matrix)('$name -> $status', async (s) => {
    const before = await logCount();
    const path =
      s.view === 'summary' ? `/cases/${s.crn}/summary?purpose=${s.purpose}` : `/cases/${s.crn}?purpose=${s.purpose}`;
    const res = await gw.call('GET', path, { org: o(s.org), roles: s.roles, attrs: s.attrs, reason: 'matrix test' });
    expect(res.status).toBe(s.status);
    // Exactly one log entry per decision, allowed or denied, written before the answer.
    expect(await logCount()).toBe(before + 1);
    const entry = await lastEntry();
    expect(entry).toMatchObject({
      action: s.view === 'summary' ? 'case.summary' : 'case.read',
      crn: s.crn,
      purpose: s.purpose,
      decision: s.status === 200 ? 'ALLOW' : 'DENY',
      reason: 'matrix test',
    });
    expect(entry.actor.org).toBe(s.org);
    if (s.status !== 200) {
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(entry.fieldsReleased).toEqual([]);
      // Nothing of the case leaks into a denial.
      expect(res.text).not.toMatch(/Testy|McTestface|Heroin/);
      return;
    }
    expect(res.body.accessLogIndex).toBe(entry.index);
    expect(sorted(entry.fieldsReleased)).toEqual(sorted(s.released!));
    expect(sorted(res.body.fieldsWithheld)).toEqual(sorted(entry.fieldsWithheld));
    expect(res.body.crn).toBe(s.crn);
    expect(res.body.purpose).toBe(s.purpose);
    // The body holds exactly the released fields (checked by presence of each path).
    const present = (f: string) => {
      const [head, tail] = f.split('.');
      const v = res.body[head];
      if (f === 'needs.notes')
        return Array.isArray(res.body.needs) && res.body.needs.some((n: { notes?: string }) => n.notes);
      // A released group whose source value is empty (mappa: null) is present as null.
      if (tail !== undefined && v === null) return 'empty';
      return tail === undefined ? v !== undefined : v !== undefined && v[tail] !== undefined;
    };
    for (const f of s.released!) expect([f, present(f)]).not.toEqual([f, false]);
    for (const f of entry.fieldsWithheld) expect([f, present(f)]).not.toEqual([f, true]);
  });

  it('shows an IOM officer predictor bands, not raw scores', async () => {
    const res = await gw.call('GET', '/cases/X100001/summary?purpose=IOM', {
      org: o('police-cleveland'),
      ...iom,
      reason: 'IOM tasking',
    });
    expect(res.body.scores).toEqual({ ogrs3Band: 'MEDIUM' });
    expect(res.body.mappa).toEqual({ level: 2 });
    expect(res.body.riskManagementPlan).toEqual({ summary: 'Weekly reporting; drug testing; curfew 19:00-07:00' });
    expect(res.body.needs[0]).toEqual({
      area: 'accommodation',
      severity: 'SIGNIFICANT',
      linkedToHarm: true,
      linkedToReoffending: true,
    });
    expect(res.body.agreementId).toBe(iomAgreement);
    expect(res.body.fieldsWithheld).toEqual(
      expect.arrayContaining(['scores.ogrs3TwoYear', 'scores.ogp', 'riskManagementPlan.actions', 'mappa.category']),
    );
  });

  it('refuses bad reads with 400 and writes nothing', async () => {
    const before = await logCount();
    const p = { org: o('police-cleveland'), ...iom, reason: 'x' };
    expect((await gw.call('GET', '/cases/X100001/summary', p)).status).toBe(400);
    expect((await gw.call('GET', '/cases/X100001/summary?purpose=GOSSIP', p)).body.errors[0].field).toBe('purpose');
    expect((await gw.call('GET', '/cases/x1/summary?purpose=IOM', p)).body.errors[0].field).toBe('crn');
    const noReason = await gw.call('GET', '/cases/X100001/summary?purpose=IOM', { org: o('police-cleveland'), ...iom });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    expect(await logCount()).toBe(before);
  });

  it('stops release on the next request after the agreement is suspended, and resumes after', async () => {
    const read = () =>
      gw.call('GET', '/cases/X100001/summary?purpose=IOM', { org: o('police-cleveland'), ...iom, reason: 'IOM' });
    expect((await read()).status).toBe(200);
    const s = await gw.call('POST', `/agreements/${iomAgreement}/suspend`, signatory(o('police-cleveland')), {
      reason: 'Audit of IOM use',
    });
    expect(s.status).toBe(200);
    const denied = await read();
    // Nothing may leave, so the case is "not found" to the police, as an unknown CRN would be.
    expect(denied.status).toBe(404);
    expect((await lastEntry()).decision).toBe('DENY');
    expect(
      (
        await gw.call('POST', `/agreements/${iomAgreement}/resume`, signatory(o('police-cleveland')), {
          reason: 'Audit closed',
        })
      ).status,
    ).toBe(200);
    expect((await read()).status).toBe(200);
  });

  it("stops release on this instance's next request after another instance suspends the agreement", async () => {
    const read = () =>
      gw.call('GET', '/cases/X100001/summary?purpose=IOM', { org: o('police-cleveland'), ...iom, reason: 'IOM' });
    // As another instance's suspension commits it: the row and the agreements' counter, nothing
    // said to this instance, whose index still holds the agreement in force.
    const setStatus = (status: string) =>
      gw.sql(
        `WITH a AS (UPDATE agreements SET status = $2 WHERE id = $1 RETURNING id)
         UPDATE agreements_state SET version = version + 1 WHERE id = 1 AND EXISTS (SELECT 1 FROM a)`,
        [iomAgreement, status],
      );
    expect((await read()).status).toBe(200);
    await setStatus('SUSPENDED');
    expect((await read()).status).toBe(404);
    expect((await lastEntry()).decision).toBe('DENY');
    await setStatus('ACTIVE');
    expect((await read()).status).toBe(200);
  });

  it("asks PostgreSQL for no agreements' counter of its own on a signed read: its token claim read it", async () => {
    const coverage = gw.app.get(AgreementCoverage);
    const readState = jest.spyOn(coverage as unknown as { readState(): Promise<string> }, 'readState');
    try {
      const read = await gw.call('GET', '/cases/X100001/summary?purpose=IOM', {
        org: o('police-cleveland'),
        ...iom,
        reason: 'IOM',
      });
      expect(read.status).toBe(200);
      expect(readState).not.toHaveBeenCalled();
    } finally {
      readState.mockRestore();
    }
  });

  it('asks PostgreSQL for no case of its own on a signed read: its token claim read it, as stored', async () => {
    const repo = gw.app.get(CaseRepository);
    const loaded: unknown[] = [];
    const load = repo.loadWithLatestAssessment.bind(repo);
    const loads = jest.spyOn(repo, 'loadWithLatestAssessment').mockImplementation(async (crn, tx) => {
      const found = await load(crn, tx);
      loaded.push(found);
      return found;
    });
    const reader = { org: o('police-cleveland'), ...iom, reason: 'IOM' };
    const statements = await statementsRunBy(async () => {
      for (const path of ['/cases/X100001/summary?purpose=IOM', '/cases/X100001?purpose=IOM'])
        expect((await gw.call('GET', path, reader)).status).toBe(200);
      // An unknown CRN: the claim found no case, and nothing more is asked.
      expect((await gw.call('GET', '/cases/X999991/summary?purpose=IOM', reader)).status).toBe(404);
    }).finally(() => loads.mockRestore());
    expect(statements).not.toContain('cases.load-with-latest-assessment');
    // What the claim read (as JSON) is what a read of its own answers, dates as dates.
    const stored = await repo.loadWithLatestAssessment('X100001');
    expect(stored?.assessment).not.toBeNull();
    expect(stored?.record.updatedAt).toBeInstanceOf(Date);
    expect(loaded).toEqual([stored, stored, null]);
  });

  it('reads the case as changed by a commit made before the request arrived', async () => {
    const read = () =>
      gw.call('GET', '/cases/X100001/summary?purpose=IOM', { org: o('police-cleveland'), ...iom, reason: 'IOM' });
    expect((await read()).status).toBe(200);
    // As another instance or a case system would: the row changed, nothing said to this instance.
    await gw.sql(`UPDATE cases SET restricted = true WHERE crn = 'X100001'`);
    try {
      expect((await read()).status).toBe(404);
    } finally {
      await gw.sql(`UPDATE cases SET restricted = false WHERE crn = 'X100001'`);
    }
    expect((await read()).status).toBe(200);
  });

  it('does not let an agreement that has not started yet release anything', async () => {
    const id = await activeAgreement(
      gw,
      agreementTerms({
        title: 'Future Durham IOM',
        parties: [
          { org: 'crc-durham-tees-valley', role: 'PROVIDER' },
          { org: 'police-durham', role: 'RECIPIENT' },
        ],
        purposes: ['IOM'],
        dataCategories: ['ROSH'],
        validFrom: daysFromNow(2),
      }),
    );
    expect(id).toBeTruthy();
    const res = await gw.call('GET', '/cases/X100002/summary?purpose=IOM', {
      org: o('police-durham'),
      roles: ['iom-officer'],
      reason: 'IOM',
    });
    expect(res.status).toBe(404);
  });
});

describe('PUT /cases/{crn} and assessments', () => {
  let gw: TestGateway;
  const sys = (id: string) => ({ org: gw.orgs[id], roles: ['system'], sub: `system:${id}-cms` });
  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.close());

  const invalid: [string, Record<string, unknown>, string][] = [
    ['bad tier', { tier: 'E9' }, 'tier'],
    [
      'bad RoSH level',
      { rosh: { overall: 'EXTREME', children: 'LOW', public: 'LOW', knownAdult: 'LOW', staff: 'LOW' } },
      'rosh.overall',
    ],
    [
      'date of birth in the future',
      { person: { givenName: 'A', familyName: 'B', dateOfBirth: '2999-01-01' } },
      'person.dateOfBirth',
    ],
    [
      'impossible date',
      { person: { givenName: 'A', familyName: 'B', dateOfBirth: '2001-02-30' } },
      'person.dateOfBirth',
    ],
    [
      'bad PNC id',
      { person: { givenName: 'A', familyName: 'B', dateOfBirth: '1990-01-01', pncId: '12345' } },
      'person.pncId',
    ],
    ['unknown field', { favouriteColour: 'blue' }, 'favouriteColour'],
    [
      'unknown nested field',
      { person: { givenName: 'A', familyName: 'B', dateOfBirth: '1990-01-01', nickname: 'C' } },
      'person.nickname',
    ],
    ['MAPPA level out of range', { mappa: { category: 1, level: 4 } }, 'mappa.level'],
    [
      'too many licence conditions',
      { licenceConditions: Array.from({ length: 51 }, (_, i) => `c${i}`) },
      'licenceConditions',
    ],
    [
      'name too long',
      { person: { givenName: 'A'.repeat(101), familyName: 'B', dateOfBirth: '1990-01-01' } },
      'person.givenName',
    ],
    ['restricted not boolean', { restricted: 'no' }, 'restricted'],
    ['mappa missing', { mappa: undefined }, 'mappa'],
    [
      'supervision ended before birth (a typo that would make the record due for erasure at once)',
      {
        person: { givenName: 'A', familyName: 'B', dateOfBirth: '1990-04-12' },
        supervisionEndedOn: '1901-03-31',
      },
      'supervisionEndedOn',
    ],
    ['supervisionEndedOn not a date', { supervisionEndedOn: 7 }, 'supervisionEndedOn'],
  ];
  it.each(invalid)('refuses %s with 400 naming the field and changes nothing', async (_, over, field) => {
    const res = await gw.call('PUT', '/cases/X200001', sys('nps-north-east'), caseBody('nps-north-east', over));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await gw.sql(`SELECT 1 FROM cases WHERE crn = 'X200001'`)).toHaveLength(0);
  });

  it('creates (201), then replaces (200), only for the managing organisation', async () => {
    expect((await gw.call('PUT', '/cases/X200002', sys('nps-north-east'), caseBody('nps-north-east'))).status).toBe(
      201,
    );
    expect(
      (await gw.call('PUT', '/cases/X200002', sys('nps-north-east'), caseBody('nps-north-east', { tier: 'A1' })))
        .status,
    ).toBe(200);
    // Another organisation can neither overwrite nor create for someone else; same answer either way.
    const other = await gw.call('PUT', '/cases/X200002', sys('crc-northumbria'), caseBody('crc-northumbria'));
    const fresh = await gw.call('PUT', '/cases/X200099', sys('crc-northumbria'), caseBody('nps-north-east'));
    expect(other.status).toBe(403);
    expect(fresh.status).toBe(403);
    expect((await gw.sql<{ tier: string }>(`SELECT tier FROM cases WHERE crn = 'X200002'`))[0].tier).toBe('A1');
    // Officers, not systems, do not push records.
    expect(
      (
        await gw.call(
          'PUT',
          '/cases/X200003',
          { org: gw.orgs['nps-north-east'], roles: ['offender-manager'] },
          caseBody('nps-north-east'),
        )
      ).status,
    ).toBe(403);
  });

  it('refuses invalid assessments naming the field', async () => {
    await gw.call('PUT', '/cases/X200004', sys('nps-north-east'), caseBody('nps-north-east'));
    const cases: [Record<string, unknown>, string][] = [
      [{ scores: { ogrs3TwoYear: 120, ogp: 1, ovp: 1, rsr: 1 } }, 'scores.ogrs3TwoYear'],
      [{ completedAt: new Date(Date.now() + 86_400_000).toISOString() }, 'completedAt'],
      [{ completedAt: '2026-13-01' }, 'completedAt'],
      [{ completedAt: '2025-02-30T10:00:00Z' }, 'completedAt'],
      [{ needs: {} }, 'needs.accommodation'],
    ];
    for (const [over, field] of cases) {
      const res = await gw.call('PUT', '/cases/X200004/assessments/A1', sys('nps-north-east'), assessmentBody(over));
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await gw.sql(`SELECT 1 FROM case_assessments WHERE crn = 'X200004'`)).toHaveLength(0);
  });

  it('feeds the summary from the latest completed assessment', async () => {
    await gw
      .call('PUT', '/cases/X200005/assessments/OLD', sys('nps-north-east'), assessmentBody())
      .then((r) => expect(r.status).toBe(404));
    await gw.call('PUT', '/cases/X200005', sys('nps-north-east'), caseBody('nps-north-east'));
    await gw.call(
      'PUT',
      '/cases/X200005/assessments/NEW',
      sys('nps-north-east'),
      assessmentBody({
        completedAt: new Date(Date.now() - 86_400_000).toISOString(),
        scores: { ogrs3TwoYear: 91, ogp: 80, ovp: 50, rsr: 7, algorithmVersion: 'OGRS4/OGP2' },
      }),
    );
    await gw.call(
      'PUT',
      '/cases/X200005/assessments/OLD',
      sys('nps-north-east'),
      assessmentBody({ completedAt: new Date(Date.now() - 30 * 86_400_000).toISOString() }),
    );
    const res = await gw.call('GET', '/cases/X200005/summary?purpose=RISK_MANAGEMENT', {
      org: gw.orgs['nps-north-east'],
      roles: ['offender-manager'],
      reason: 'review',
    });
    expect(res.status).toBe(200);
    expect(res.body.scores).toMatchObject({ ogrs3TwoYear: 91, ogrs3Band: 'VERY_HIGH', algorithmVersion: 'OGRS4/OGP2' });
    expect(await gw.sql(`SELECT 1 FROM case_assessments WHERE crn = 'X200005'`)).toHaveLength(2);
  });
});
