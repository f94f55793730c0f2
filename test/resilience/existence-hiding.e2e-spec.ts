import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { activeAgreement, agreementTerms } from '../factories/agreement.factory.js';
import { assessmentBody, caseBody } from '../factories/case.factory.js';
import { requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import { TestGateway, type CallOptions } from '../setup/test-app.js';
import { report, scale } from './support/mode.js';
import { docRoutes } from './support/routes.js';

/**
 * Existence hiding as a property of the whole API. For every route that takes a CRN and every
 * kind of caller (police officer, CRC system, NPS system, and each one's IG reviewer), a
 * restricted case (pushed so by its system, or restricted under DPA 2018 s.47 by its manager
 * through PUT /cases/{crn}/restriction), a case outside every relationship and an unknown CRN must give the same
 * answers (status, body, headers, once request-specific values are removed), and the caller's
 * own IG must see the same afterwards: access-log searches (with filters), entry reads, the CSV
 * export, subject access reports, the IG console's API (search, entry, report, CSV, misuse
 * flags) and explanations.
 *
 * Each class is driven by its own actor (and IG reviewer), so misuse flags, which group by
 * actor, can be compared too. The only documented difference: an NPS system (the allocating
 * authority) creates a case when it PUTs an unknown CRN, and gets 409 for one held elsewhere;
 * that pair is compared between restricted and unrelated only.
 */

/** The manager of the hidden cases: no caller below manages them or has a relationship to them. */
const MANAGER = 'crc-durham-tees-valley';
/**
 * The NPS region that allocates the hidden cases to the CRC (src/modules/cases/domain/case-allocation.ts).
 * Not a caller: an allocator knows the cases it allocated.
 */
const ALLOCATOR = 'nps-allocation';
const CLASSES = ['restricted', 'restricted-s47', 'unrelated', 'unknown'] as const;
const CONSOLE = { 'x-ig-console': '1' };

interface Caller {
  name: string;
  org: string;
  roles: string[];
  attrs?: Record<string, unknown>;
  /** Organisation a transfer is offered to, and the provider named in its exchange requests. */
  other: string;
  /** An allocating authority (NPS) creates the case when it PUTs an unknown CRN. */
  allocates: boolean;
}

const CALLERS: Caller[] = [
  {
    name: 'police officer',
    org: 'police-cleveland',
    roles: ['iom-officer'],
    attrs: { force: 'cleveland' },
    other: 'nps-north-east',
    allocates: false,
  },
  { name: 'CRC system', org: 'crc-northumbria', roles: ['system'], other: 'nps-north-east', allocates: false },
  { name: 'NPS system', org: 'nps-north-east', roles: ['system'], other: 'crc-northumbria', allocates: true },
];

/** Routes in /docs-json that take a CRN (path, query or body), each called below. */
const CRN_ROUTES = [
  'GET /access-log',
  'GET /access-log/export.csv',
  'GET /cases/{crn}',
  'GET /cases/{crn}/summary',
  'POST /cases/{crn}/transfers',
  'POST /cases/{crn}/transfers/{id}/accept',
  'POST /cases/{crn}/rectifications',
  'POST /cases/{crn}/erasure',
  'PUT /cases/{crn}/restriction',
  'DELETE /cases/{crn}/restriction',
  'POST /exchange-requests',
  'POST /policies/explain',
  'PUT /cases/{crn}',
  'PUT /cases/{crn}/assessments/{assessmentId}',
  'GET /subjects/{crn}/access-report',
  'POST /people/search',
].sort();

/** Each case's own PNC ID (the factory's default is shared by every case). */
const pncOf = (crn: string) => `2020/${crn.slice(1)}0Z`;

const PERSON = { givenName: 'Hidden', familyName: 'Person', dateOfBirth: '1980-01-01' };
const TIERS = ['A3', 'A1', 'B2', 'C1', 'D0'];
const LEVELS = ['LOW', 'MEDIUM'];

const crnArb = fc
  .tuple(fc.constantFrom(...'ABCDEFGHJKLMNPRSTUVWXYZ'), fc.integer({ min: 0, max: 999_999 }))
  .map(([l, n]) => `${l}${String(n).padStart(6, '0')}`);
const rosh = fc.record({
  overall: fc.constantFrom(...LEVELS),
  children: fc.constantFrom(...LEVELS),
  public: fc.constantFrom(...LEVELS),
  knownAdult: fc.constantFrom(...LEVELS),
  staff: fc.constantFrom(...LEVELS),
});
const mappa = fc.option(
  fc.record({ category: fc.integer({ min: 1, max: 3 }), level: fc.integer({ min: 1, max: 3 }) }),
  { nil: null },
);
/** A restricted case may be in the caller force's IOM cohort: restriction alone must hide it. */
const restrictedAttrs = fc.record({
  tier: fc.constantFrom(...TIERS),
  rosh,
  mappa,
  iom: fc.option(fc.record({ cohort: fc.boolean(), force: fc.constantFrom('cleveland', 'durham') }), { nil: null }),
});
/** An unrelated case is in no cohort of the calling force: nothing ties the caller to it. */
const unrelatedAttrs = fc.record({
  tier: fc.constantFrom(...TIERS),
  rosh,
  mappa,
  iom: fc.option(fc.record({ cohort: fc.boolean(), force: fc.constant('durham') }), { nil: null }),
});
const scenario = fc.record({
  crns: fc.uniqueArray(crnArb, { minLength: 4, maxLength: 4 }),
  purpose: fc.constantFrom('IOM', 'RISK_MANAGEMENT', 'MAPPA', 'RECALL'),
  restricted: restrictedAttrs,
  s47: restrictedAttrs,
  unrelated: unrelatedAttrs,
});

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;
/** Members that differ per request whatever the answer: log indices, ids, times, hashes. */
const VOLATILE = new Set([
  'index',
  'timestamp',
  'requestId',
  'jti',
  'accessLogIndex',
  'leafHash',
  'nextCursor',
  'id',
  'dueBy',
  'from',
  'to',
  'evidence',
  'generatedAt',
  'reviewedAt',
  'requestJws',
]);
const VOLATILE_HEADERS = new Set([
  'date',
  'content-length',
  'x-request-id',
  'etag',
  'set-cookie',
  'last-modified',
  'keep-alive',
  'connection',
]);

/** What one class's calls showed, by step, with request-specific values removed. */
type Views = Record<string, unknown>;

describe('Existence hiding: restricted, unrelated and unknown CRNs look the same to every caller and its own IG', () => {
  let gw: TestGateway;
  let agreementId: string;
  const used = new Set<string>();
  let run = 0;
  let comparisons = 0;

  beforeAll(async () => {
    gw = await TestGateway.start({
      orgs: [
        { id: 'nps-north-east', kind: 'NPS' },
        { id: ALLOCATOR, kind: 'NPS' },
        { id: MANAGER, kind: 'CRC' },
        { id: 'crc-northumbria', kind: 'CRC' },
        { id: 'police-cleveland', kind: 'POLICE' },
      ],
    });
    // Police may be sent IOM data by the NPS: the hidden cases must stay hidden even where an agreement exists.
    agreementId = await activeAgreement(gw, agreementTerms());
  }, 120_000);
  afterAll(() => gw?.close());

  it('knows every route in /docs-json that takes a CRN', async () => {
    const routes = await docRoutes(gw);
    const takesCrn = routes.filter(
      (r) =>
        r.path.includes('{crn}') ||
        r.queryParams.includes('crn') ||
        r.bodyProps.includes('crn') ||
        r.consumes.includes('application/jose'),
    );
    expect(takesCrn.map((r) => `${r.method} ${r.path}`).sort()).toEqual(CRN_ROUTES);
  });

  it('GET /cases/escalations lists a restricted escalated case to its manager only, never to the NPS that would get 404 for it', async () => {
    const high = assessmentBody({
      rosh: { overall: 'HIGH', children: 'MEDIUM', public: 'HIGH', knownAdult: 'LOW', staff: 'LOW' },
    });
    for (const [crn, restricted] of [
      ['Q000001', true],
      ['Q000002', false],
    ] as const) {
      await createCase(crn, { restricted });
      const a = await gw.call(
        'PUT',
        `/cases/${crn}/assessments/high-1`,
        { org: gw.orgs[MANAGER], roles: ['system'], sub: 'system:durham-cms' },
        high,
      );
      expect(a.body.escalated).toBe(true);
    }
    const listed = async (org: string) =>
      (
        (await gw.call('GET', '/cases/escalations', { org: gw.orgs[org], roles: ['system'] })).body as { crn: string }[]
      ).map((e) => e.crn);
    expect(await listed(MANAGER)).toEqual(expect.arrayContaining(['Q000001', 'Q000002']));
    const nps = await listed('nps-north-east');
    expect(nps).toContain('Q000002');
    expect(nps).not.toContain('Q000001');
    expect(
      (
        await gw.call('GET', '/cases/Q000001/summary?purpose=RISK_MANAGEMENT', {
          org: gw.orgs['nps-north-east'],
          roles: ['offender-manager'],
          reason: 'escalation review',
        })
      ).status,
    ).toBe(404);
  });

  function normaliseText(s: string, names: Record<string, string>): string {
    let out = s;
    for (const [from, to] of Object.entries(names)) out = out.split(from).join(to);
    return out.replace(UUID, '<uuid>').replace(ISO_TIME, '<time>');
  }

  function normalise(v: unknown, names: Record<string, string>): unknown {
    if (typeof v === 'string') {
      const s = normaliseText(v, names);
      return /^\d+$/.test(s) ? '<n>' : s;
    }
    if (Array.isArray(v)) return v.map((x) => normalise(x, names));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        // A salt differs per entry, but whether a view shows one must not.
        if (k === 'salt') out[k] = '<salt>';
        else if (!VOLATILE.has(k)) out[k] = normalise(x, names);
      }
      return out;
    }
    return v;
  }

  function csv(text: string, names: Record<string, string>): string[] {
    return normaliseText(text, names)
      .split('\r\n')
      .map((line) => line.replace(/(^|,)\d+(?=,|$)/g, '$1<n>'));
  }

  function response(
    res: { status: number; headers: Record<string, unknown>; body: unknown; text: string },
    names: Record<string, string>,
  ) {
    const headers: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(res.headers))
      if (!VOLATILE_HEADERS.has(k) && !k.includes('ratelimit')) headers[k] = normalise(String(v), names);
    const type = String((res.headers['content-type'] as string | undefined) ?? '');
    const body = /json/.test(type)
      ? normalise(res.body, names)
      : type.startsWith('text/csv')
        ? csv(res.text, names)
        : normaliseText(res.text ?? '', names);
    return { status: res.status, headers, body };
  }

  async function signIn(org: string, sub: string): Promise<string> {
    const res = await gw.call('POST', '/ig/session', { org: gw.orgs[org], roles: ['ig-reviewer'], sub });
    if (res.status !== 201) throw new Error(`sign-in: ${res.status} ${res.text}`);
    return (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  }

  async function createCase(crn: string, over: Record<string, unknown>): Promise<void> {
    const put = await gw.call(
      'PUT',
      `/cases/${crn}`,
      { org: gw.orgs[ALLOCATOR], roles: ['system'], sub: 'system:allocation' },
      caseBody(MANAGER, { person: { ...PERSON, pncId: pncOf(crn) }, ...over }),
    );
    if (put.status !== 201) throw new Error(`case ${crn}: ${put.status} ${put.text}`);
    const a = await gw.call(
      'PUT',
      `/cases/${crn}/assessments/oasys-1`,
      { org: gw.orgs[MANAGER], roles: ['system'], sub: 'system:durham-cms' },
      assessmentBody(),
    );
    if (a.status !== 201) throw new Error(`assessment ${crn}: ${a.status} ${a.text}`);
  }

  /** Every CRN-taking route, called by the caller (and its IG) for one CRN; what each showed. */
  async function callRoutes(
    c: Caller,
    crn: string,
    unknownCrn: string,
    purpose: string,
    actor: string,
    ig: string,
    names: Record<string, string>,
    allocatorPut: Views,
  ): Promise<Views> {
    const v: Views = {};
    const me: CallOptions = {
      org: gw.orgs[c.org],
      roles: c.roles,
      attrs: c.attrs,
      sub: actor,
      reason: 'existence-hiding check',
    };
    const reviewer: CallOptions = {
      org: gw.orgs[c.org],
      roles: ['ig-reviewer'],
      sub: ig,
      reason: 'existence-hiding check',
    };
    const see = (label: string, res: Parameters<typeof response>[0]) => (v[label] = response(res, names));

    see('GET /cases/{crn}', await gw.call('GET', `/cases/${crn}?purpose=${purpose}`, me));
    see('GET /cases/{crn}/summary', await gw.call('GET', `/cases/${crn}/summary?purpose=${purpose}`, me));
    // Person search and cohort lists: the person is absent, as one who does not exist.
    see('POST /people/search (crn)', await gw.call('POST', '/people/search', me, { crn, purpose }));
    see('POST /people/search (pnc)', await gw.call('POST', '/people/search', me, { pnc: pncOf(crn), purpose }));
    for (const force of ['cleveland', 'durham']) {
      const cohort = await gw.call('GET', `/cohorts/${force}/members?purpose=${purpose}`, me);
      see(`GET /cohorts/${force}/members (this CRN)`, {
        ...cohort,
        body:
          cohort.status === 200
            ? (cohort.body as { members: { crn: string }[] }).members.filter((m) => m.crn === crn)
            : cohort.body,
      });
    }
    see(
      'PUT /cases/{crn}/assessments/{id}',
      await gw.call('PUT', `/cases/${crn}/assessments/hid-1`, me, assessmentBody()),
    );
    see(
      'POST /cases/{crn}/transfers',
      await gw.call('POST', `/cases/${crn}/transfers`, me, { toOrg: c.other, reason: 'moving area' }),
    );
    see(
      'POST /cases/{crn}/transfers/{id}/accept',
      await gw.call('POST', `/cases/${crn}/transfers/${randomUUID()}/accept`, me),
    );
    // The managing organisation's rights: the caller is not it, whatever the case.
    see(
      'POST /cases/{crn}/rectifications',
      await gw.call('POST', `/cases/${crn}/rectifications`, me, { reason: 'wrong tier', tier: 'A1' }),
    );
    see(
      'POST /cases/{crn}/erasure (parts)',
      await gw.call('POST', `/cases/${crn}/erasure`, me, { reason: 'not needed', parts: ['mappa'] }),
    );
    see('POST /cases/{crn}/erasure', await gw.call('POST', `/cases/${crn}/erasure`, me, { reason: 'not needed' }));
    see('PUT /cases/{crn}/restriction', await gw.call('PUT', `/cases/${crn}/restriction`, me, { reason: 'contested' }));
    see('DELETE /cases/{crn}/restriction', await gw.call('DELETE', `/cases/${crn}/restriction`, me));
    if (!c.allocates) see('PUT /cases/{crn}', await gw.call('PUT', `/cases/${crn}`, me, caseBody(c.org)));
    // The allocating authority would create an unknown CRN (documented, and tested with the
    // allocation rule), so its PUT is compared between the restricted and unrelated cases only.
    else if (crn !== unknownCrn)
      allocatorPut[crn] = response(await gw.call('PUT', `/cases/${crn}`, me, caseBody(c.org)), names);

    const claims = requestClaims(agreementId, {
      iss: c.org,
      provider: c.other,
      crn,
      purpose,
      dataCategories: ['ROSH'],
    });
    const submitted = await submit(gw, await requestJws(gw.orgs[c.org], claims), {
      org: gw.orgs[c.org],
      roles: c.roles,
      sub: actor,
    });
    see('POST /exchange-requests', submitted);
    const requestId = submitted.body?.id as string | undefined;
    if (requestId) {
      see('GET /exchange-requests/{id}', await gw.call('GET', `/exchange-requests/${requestId}`, me));
      see('GET /exchange-requests/{id}/response', await gw.call('GET', `/exchange-requests/${requestId}/response`, me));
      // The provider's data owner approves: the answer must not depend on who (if anyone) holds the case.
      see(
        'POST /exchange-requests/{id}/decision',
        await gw.call(
          'POST',
          `/exchange-requests/${requestId}/decision`,
          { org: gw.orgs[c.other], roles: ['data-owner'], sub: 'user:data-owner', reason: 'review' },
          { decision: 'APPROVE', reason: 'approved' },
        ),
      );
      see('GET /exchange-requests/{id} after decision', await gw.call('GET', `/exchange-requests/${requestId}`, me));
      const listed = await gw.call('GET', '/exchange-requests?direction=outgoing', me);
      see('GET /exchange-requests (this CRN)', {
        ...listed,
        body:
          listed.status === 200
            ? (listed.body as { items: { crn: string }[] }).items.filter((r) => r.crn === crn)
            : listed.body,
      });
    }

    const explain = (org: string) => ({ principal: { org, roles: c.roles, attrs: c.attrs ?? {} }, crn, purpose });
    see('POST /policies/explain (own principal)', await gw.call('POST', '/policies/explain', reviewer, explain(c.org)));
    see(
      'POST /policies/explain (manager principal)',
      await gw.call('POST', '/policies/explain', reviewer, explain(MANAGER)),
    );
    return v;
  }

  /** What the caller's own IG sees of that CRN afterwards, through the API and the console. */
  async function igViews(
    c: Caller,
    crn: string,
    purpose: string,
    actor: string,
    ig: string,
    names: Record<string, string>,
  ): Promise<Views> {
    const v: Views = {};
    const reviewer: CallOptions = {
      org: gw.orgs[c.org],
      roles: ['ig-reviewer'],
      sub: ig,
      reason: 'existence-hiding check',
    };
    const see = (label: string, res: Parameters<typeof response>[0]) => (v[label] = response(res, names));

    const all = await gw.call('GET', `/access-log?crn=${crn}&limit=200`, reviewer);
    see('GET /access-log?crn', all);
    const filters = [
      `decision=DENY`,
      `org=${MANAGER}`,
      `org=${c.org}`,
      `actor=${encodeURIComponent(actor)}`,
      `action=case.read`,
      `purpose=${purpose}`,
    ];
    for (const f of filters)
      see(`GET /access-log?crn&${f.replace(/=.*/, '')}`, await gw.call('GET', `/access-log?crn=${crn}&${f}`, reviewer));
    const indices = (all.body.entries as { index: number }[]).map((e) => e.index);
    for (const [n, i] of indices.entries()) {
      see(`GET /access-log/entries/{i} #${n}`, await gw.call('GET', `/access-log/entries/${i}`, reviewer));
    }
    see('GET /access-log/export.csv?crn', await gw.call('GET', `/access-log/export.csv?crn=${crn}`, reviewer));
    see('GET /subjects/{crn}/access-report', await gw.call('GET', `/subjects/${crn}/access-report`, reviewer));

    const cookie = await signIn(c.org, ig);
    const consoleGet = (path: string) => gw.http.get(path).set('cookie', cookie).set(CONSOLE);
    const found = await consoleGet(`/ig/api/entries?crn=${crn}&limit=200`);
    see('console entries?crn', found);
    for (const [n, e] of (found.body.entries as { index: number }[]).entries())
      see(`console entries/{i} #${n}`, await consoleGet(`/ig/api/entries/${e.index}`));
    see('console subjects/{crn}/report', await consoleGet(`/ig/api/subjects/${crn}/report`));
    see('console subjects/{crn}/report.csv', await consoleGet(`/ig/api/subjects/${crn}/report.csv`));
    const flags = await consoleGet('/ig/api/flags');
    expect(flags.status).toBe(200);
    // Flags of this class's actors; OUTSIDE_WORKING_HOURS depends on the clock alone (a run may cross 18:00), not on the case.
    const mine = (flags.body.flags as { kind: string; actor: { sub: string } }[]).filter(
      (f) => (f.actor.sub === actor || f.actor.sub === ig) && f.kind !== 'OUTSIDE_WORKING_HOURS',
    );
    v['console flags (this class)'] = normalise(mine, names);
    return v;
  }

  for (const caller of CALLERS) {
    it(`${caller.name} and its IG reviewer: every CRN route, then every IG view`, async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          fc.pre(s.crns.every((x) => !used.has(x)));
          s.crns.forEach((x) => used.add(x));
          run++;
          const [restricted, s47, unrelated, unknown] = s.crns;
          await createCase(restricted, { ...s.restricted, restricted: true });
          await createCase(s47, { ...s.s47, restricted: false });
          await createCase(unrelated, { ...s.unrelated, restricted: false });
          const r = await gw.call(
            'PUT',
            `/cases/${s47}/restriction`,
            { org: gw.orgs[MANAGER], roles: ['data-owner'], sub: 'user:durham-dpo' },
            { reason: 'accuracy contested' },
          );
          if (r.status !== 200) throw new Error(`restriction ${s47}: ${r.status} ${r.text}`);
          const byClass = [restricted, s47, unrelated, unknown];
          const who = byClass.map((_, k) => ({
            actor: `${caller.roles[0] === 'system' ? 'system' : 'user'}:hid-${run}-${k}`,
            ig: `user:ig-hid-${run}-${k}`,
          }));
          const names = (k: number): Record<string, string> => ({
            [byClass[k]]: '<crn>',
            [who[k].ig]: '<ig>',
            [who[k].actor]: '<actor>',
          });
          const allocatorPut: Views = {};
          const views: Views[] = [];
          for (const [k, crn] of byClass.entries())
            views[k] = await callRoutes(
              caller,
              crn,
              unknown,
              s.purpose,
              who[k].actor,
              who[k].ig,
              names(k),
              allocatorPut,
            );
          for (const [k, crn] of byClass.entries())
            views[k] = { ...views[k], ...(await igViews(caller, crn, s.purpose, who[k].actor, who[k].ig, names(k))) };
          for (const k of [1, 2, 3]) {
            comparisons += Object.keys(views[0]).length;
            expect({ class: CLASSES[k], ...views[k] }).toEqual({ class: CLASSES[k], ...views[0] });
          }
          if (caller.allocates) {
            expect(allocatorPut[restricted]).toMatchObject({ status: 409 });
            expect(allocatorPut[s47]).toEqual(allocatorPut[restricted]);
            expect(allocatorPut[unrelated]).toEqual(allocatorPut[restricted]);
          }
        }),
        { numRuns: scale(2, 12), endOnFailure: true },
      );
    }, 600_000);
  }

  afterAll(() => report('existence-hiding', { runs: run, comparisons }));
});
