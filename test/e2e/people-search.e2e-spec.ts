import { activeAgreement, agreementTerms } from '../factories/agreement.factory.js';
import { assessmentBody, caseBody, creatorOf } from '../factories/case.factory.js';
import { TestGateway, type CallOptions } from '../setup/test-app.js';
import type { StoredAccessLogEntry } from '../../src/modules/access-log/domain/access-log-entry.js';

/**
 * POST /people/search and GET /cohorts/{force}/members: who a caller may know of is decided as a
 * summary read for the purpose is; a person the caller may not know of is absent exactly as an
 * unknown one, in the answer and in the log; every search and listing is logged; bad input is 400.
 */

const PERSON = { givenName: 'Alex', familyName: 'Searchable', dateOfBirth: '1990-06-01' };
const pncOf = (crn: string) => `2010/${crn.slice(1)}0A`;

/** The cases: all share one name and date of birth; each has its own PNC ID. */
const CASES: [crn: string, org: string, over: Record<string, unknown>][] = [
  ['S200001', 'nps-north-east', { iom: { cohort: true, force: 'cleveland' } }],
  ['S200002', 'nps-north-east', { iom: { cohort: true, force: 'cleveland' }, restricted: true }],
  ['S200003', 'nps-north-east', { iom: { cohort: true, force: 'durham' } }],
  ['S200004', 'nps-north-east', {}],
  // Managed by a CRC that has no agreement with Cleveland: known to the cohort's officers, not readable.
  ['S200005', 'crc-durham-tees-valley', { iom: { cohort: true, force: 'cleveland' } }],
];

describe('POST /people/search and GET /cohorts/{force}/members', () => {
  let gw: TestGateway;
  let officer: CallOptions;

  async function entriesSince(idx: number): Promise<StoredAccessLogEntry[]> {
    return (
      await gw.sql<{ e: StoredAccessLogEntry }>(
        `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries WHERE idx > $1 ORDER BY idx`,
        [idx],
      )
    ).map((r) => r.e);
  }
  async function lastIndex(): Promise<number> {
    return Number((await gw.sql<{ n: string }>(`SELECT coalesce(max(idx), -1) AS n FROM access_log_entries`))[0].n);
  }
  /** An entry without what differs per request. */
  const shape = (e: StoredAccessLogEntry) => ({ ...e, index: 0, timestamp: '', requestId: '', jti: '', salt: '' });

  beforeAll(async () => {
    gw = await TestGateway.start();
    officer = {
      org: gw.orgs['police-cleveland'],
      roles: ['iom-officer'],
      attrs: { force: 'cleveland' },
      sub: 'user:pc-search',
      reason: 'IOM tasking meeting',
    };
    await activeAgreement(gw, agreementTerms());
    for (const [crn, org, over] of CASES) {
      const body = caseBody(org, { person: { ...PERSON, pncId: pncOf(crn) }, ...over });
      const put = await gw.call('PUT', `/cases/${crn}`, { org: gw.orgs[creatorOf(org)], roles: ['system'] }, body);
      expect(put.status).toBe(201);
      const a = await gw.call(
        'PUT',
        `/cases/${crn}/assessments/A1`,
        { org: gw.orgs[org], roles: ['system'] },
        assessmentBody({ completedAt: '2026-11-05T10:00:00.000Z' }),
      );
      expect(a.status).toBe(201);
    }
  });
  afterAll(() => gw.close());

  it('finds a cohort member by PNC ID: the CRN, the managing organisation, and that the summary may be read', async () => {
    const res = await gw.call('POST', '/people/search', officer, { pnc: pncOf('S200001'), purpose: 'IOM' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      purpose: 'IOM',
      searchedBy: 'pnc',
      results: [{ crn: 'S200001', managingOrg: 'nps-north-east', maySeeSummary: true }],
    });
    // Lower-case and padded input finds the same person.
    const loose = await gw.call('POST', '/people/search', officer, {
      pnc: ` ${pncOf('S200001').toLowerCase()} `,
      purpose: 'IOM',
    });
    expect(loose.body.results).toEqual(res.body.results);
  });

  it('by name and date of birth names only the people a summary read would not answer 404 for', async () => {
    const res = await gw.call('POST', '/people/search', officer, {
      givenName: 'alex',
      familyName: 'SEARCHABLE',
      dateOfBirth: PERSON.dateOfBirth,
      purpose: 'IOM',
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([{ crn: 'S200001', managingOrg: 'nps-north-east', maySeeSummary: true }]);
    // The same decision as the summary: 200, or 404 (restricted, other force, no cohort, and an
    // own-force cohort member whom no agreement covers: nothing of them may leave).
    const summary = async (crn: string) => (await gw.call('GET', `/cases/${crn}/summary?purpose=IOM`, officer)).status;
    expect(await summary('S200001')).toBe(200);
    for (const crn of ['S200002', 'S200003', 'S200004', 'S200005']) expect(await summary(crn)).toBe(404);
    // For another purpose the IOM relationship allows nothing: nobody is named.
    const other = await gw.call('POST', '/people/search', officer, { ...PERSON, purpose: 'RECALL' });
    expect(other.body.results).toEqual([]);
  });

  it('a restricted person, another force’s and an unknown PNC give the same answer and the same log entry', async () => {
    const seen: unknown[] = [];
    for (const pnc of [pncOf('S200002'), pncOf('S200003'), pncOf('S299999')]) {
      const before = await lastIndex();
      const res = await gw.call('POST', '/people/search', officer, { pnc, purpose: 'IOM' });
      const entries = await entriesSince(before);
      expect(entries).toHaveLength(1);
      seen.push({ status: res.status, body: res.body, entry: shape(entries[0]) });
    }
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
    expect(seen[0]).toMatchObject({
      status: 200,
      body: { results: [] },
      entry: {
        action: 'person.search',
        resource: { type: 'person-search', id: 'pnc' },
        crn: null,
        ownerOrg: null,
        decision: 'ALLOW',
        reasons: ['no one listed'],
        fieldsReleased: [],
      },
    });
  });

  it('logs one entry per person named, with the reason and purpose, never the search terms', async () => {
    const before = await lastIndex();
    const res = await gw.call('POST', '/people/search', officer, { ...PERSON, purpose: 'IOM' });
    expect(res.body.results).toHaveLength(1);
    const entries = await entriesSince(before);
    expect(entries.map((e) => e.crn)).toEqual(['S200001']);
    for (const e of entries) {
      expect(e).toMatchObject({
        actor: { org: 'police-cleveland', sub: 'user:pc-search', roles: ['iom-officer'] },
        action: 'person.search',
        resource: { type: 'person-search', id: 'name-and-date-of-birth' },
        purpose: 'IOM',
        reason: 'IOM tasking meeting',
        decision: 'ALLOW',
        fieldsReleased: ['crn', 'managingOrg'],
        recipientOrg: 'police-cleveland',
        breakGlass: false,
      });
      const text = JSON.stringify(e);
      for (const term of [PERSON.givenName, PERSON.familyName, PERSON.dateOfBirth]) expect(text).not.toContain(term);
    }
    expect(entries.map((e) => e.ownerOrg)).toEqual(['nps-north-east']);
    // The subject access report of a person found names the search.
    const ig = { org: gw.orgs['nps-north-east'], roles: ['ig-reviewer'], sub: 'user:ig' };
    const report = await gw.call('GET', '/subjects/S200001/access-report', ig);
    expect(JSON.stringify(report.body)).toContain('person.search');
  });

  it('a CRN search answers the same for a restricted and an unknown CRN', async () => {
    const found = await gw.call('POST', '/people/search', officer, { crn: 'S200001', purpose: 'IOM' });
    expect(found.body.results).toEqual([{ crn: 'S200001', managingOrg: 'nps-north-east', maySeeSummary: true }]);
    const hidden = await gw.call('POST', '/people/search', officer, { crn: 'S200002', purpose: 'IOM' });
    const unknown = await gw.call('POST', '/people/search', officer, { crn: 'S299998', purpose: 'IOM' });
    expect(hidden.status).toBe(200);
    expect(hidden.body).toEqual(unknown.body);
    expect(hidden.body.results).toEqual([]);
  });

  it('break-glass never widens a search', async () => {
    const nps = { org: gw.orgs['crc-northumbria'], roles: ['offender-manager'], reason: 'emergency', breakGlass: true };
    const res = await gw.call('POST', '/people/search', nps, { ...PERSON, purpose: 'RISK_MANAGEMENT' });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([]);
  });

  it.each([
    ['both a PNC ID and a name', { pnc: pncOf('S200001'), ...PERSON, purpose: 'IOM' }, 'pnc'],
    ['nothing to search by', { purpose: 'IOM' }, 'pnc'],
    ['a malformed PNC ID', { pnc: '12345', purpose: 'IOM' }, 'pnc'],
    ['a name without a date of birth', { givenName: 'Alex', familyName: 'Searchable', purpose: 'IOM' }, 'dateOfBirth'],
    ['an impossible date of birth', { ...PERSON, dateOfBirth: '1990-02-30', purpose: 'IOM' }, 'dateOfBirth'],
    ['a date of birth in the future', { ...PERSON, dateOfBirth: '2999-01-01', purpose: 'IOM' }, 'dateOfBirth'],
    ['a malformed CRN', { crn: 'x1', purpose: 'IOM' }, 'crn'],
    ['an unknown purpose', { pnc: pncOf('S200001'), purpose: 'CURIOSITY' }, 'purpose'],
    ['no purpose', { pnc: pncOf('S200001') }, 'purpose'],
    ['an unknown member', { pnc: pncOf('S200001'), purpose: 'IOM', surname: 'x' }, 'surname'],
    ['a number for a name', { ...PERSON, givenName: 7, purpose: 'IOM' }, 'givenName'],
  ])('refuses %s with 400 naming the field, and logs nothing', async (_name, body, field) => {
    const before = await lastIndex();
    const res = await gw.call('POST', '/people/search', officer, body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    expect(await lastIndex()).toBe(before);
  });

  it('refuses a search without a reason (400) and a caller without a searching role (403), logging nothing', async () => {
    const before = await lastIndex();
    const noReason = await gw.call(
      'POST',
      '/people/search',
      { ...officer, reason: undefined },
      { ...PERSON, purpose: 'IOM' },
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    const owner = { org: gw.orgs['nps-north-east'], roles: ['data-owner'], reason: 'curious' };
    expect((await gw.call('POST', '/people/search', owner, { ...PERSON, purpose: 'IOM' })).status).toBe(403);
    expect((await gw.call('GET', '/cohorts/cleveland/members?purpose=IOM', owner)).status).toBe(403);
    expect(await lastIndex()).toBe(before);
  });

  it('lists the Cleveland cohort to its officer: RoSH level and assessment date where released, never a restricted member', async () => {
    const before = await lastIndex();
    const res = await gw.call('GET', '/cohorts/cleveland/members?purpose=IOM', officer);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      force: 'cleveland',
      purpose: 'IOM',
      members: [
        {
          crn: 'S200001',
          managingOrg: 'nps-north-east',
          maySeeSummary: true,
          roshLevel: 'MEDIUM',
          assessedAt: '2026-11-05T10:00:00.000Z',
          fieldsWithheld: [],
        },
        // S200005, a Cleveland cohort member whom no agreement covers, is left out as if unknown.
      ],
    });
    const entries = await entriesSince(before);
    expect(entries.map((e) => [e.action, e.resource, e.crn, e.fieldsReleased, e.fieldsWithheld])).toEqual([
      [
        'cohort.list',
        { type: 'iom-cohort', id: 'cleveland' },
        'S200001',
        ['crn', 'managingOrg', 'rosh', 'assessedAt'],
        [],
      ],
    ]);
  });

  it('withholds the RoSH level where the agreement does not name ROSH', async () => {
    const durham = {
      org: gw.orgs['police-durham'],
      roles: ['iom-officer'],
      attrs: { force: 'durham' },
      reason: 'IOM panel',
    };
    await activeAgreement(
      gw,
      agreementTerms({
        title: 'Durham IOM, no RoSH',
        parties: [
          { org: 'nps-north-east', role: 'PROVIDER' },
          { org: 'police-durham', role: 'RECIPIENT' },
        ],
        dataCategories: ['IDENTITY', 'RISK_SUMMARY'],
      }),
    );
    const res = await gw.call('GET', '/cohorts/durham/members?purpose=IOM', durham);
    expect(res.body.members).toEqual([
      {
        crn: 'S200003',
        managingOrg: 'nps-north-east',
        maySeeSummary: true,
        assessedAt: '2026-11-05T10:00:00.000Z',
        fieldsWithheld: ['rosh'],
      },
    ]);
  });

  it('another force’s cohort and an unknown force answer the same empty list and the same log entry', async () => {
    const seen: unknown[] = [];
    for (const force of ['durham', 'nowhere']) {
      const before = await lastIndex();
      const res = await gw.call('GET', `/cohorts/${force}/members?purpose=IOM`, officer);
      const entries = await entriesSince(before);
      expect(entries).toHaveLength(1);
      const entry = { ...shape(entries[0]), resource: { ...entries[0].resource, id: '<force>' } };
      seen.push({ status: res.status, members: res.body.members, entry });
    }
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[0]).toMatchObject({ status: 200, members: [], entry: { crn: null, reasons: ['no one listed'] } });
  });

  it('the managing NPS’s offender manager sees its own cohort cases, restricted ones included', async () => {
    const om = { org: gw.orgs['nps-north-east'], roles: ['offender-manager'], reason: 'IOM panel preparation' };
    const res = await gw.call('GET', '/cohorts/cleveland/members?purpose=IOM', om);
    expect((res.body.members as { crn: string }[]).map((m) => m.crn)).toEqual(['S200001', 'S200002']);
  });

  it.each([
    ['/cohorts/Bad%20Force/members?purpose=IOM', 'force'],
    ['/cohorts/cleveland/members', 'purpose'],
    ['/cohorts/cleveland/members?purpose=NOSY', 'purpose'],
  ])('refuses %s with 400 naming %s', async (path, field) => {
    const res = await gw.call('GET', path, officer);
    expect(res.status).toBe(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
  });
});
