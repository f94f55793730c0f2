import { activeAgreement, agreementTerms } from '../factories/agreement.factory.js';
import { assessmentBody, caseBody, creatorOf } from '../factories/case.factory.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import type { StoredAccessLogEntry } from '../../src/modules/access-log/domain/access-log-entry.js';
import type { StartedProcess } from '../../bench/lib/spawn.js';
import { TestGateway } from '../setup/test-app.js';
import { Browser, formTokenIn, signInThroughIdp, startDemoIdp } from '../support/people.js';

/**
 * The pages for IOM officers and offender managers over HTTP, signed in through the demo IdP's
 * login form: find a person, the IOM cohort and the case summary. What they show and log is the
 * API's decision; a person or case the officer may not know of looks exactly like none.
 */

const PERSON = { givenName: 'Jordan', familyName: 'Pageable', dateOfBirth: '1988-04-09' };
const pncOf = (crn: string) => `2011/${crn.slice(1)}0B`;
const CASES: [crn: string, org: string, over: Record<string, unknown>][] = [
  ['T300001', 'nps-north-east', { iom: { cohort: true, force: 'cleveland' } }],
  ['T300002', 'nps-north-east', { iom: { cohort: true, force: 'cleveland' }, restricted: true }],
  ['T300003', 'nps-north-east', { iom: { cohort: true, force: 'durham' } }],
  ['T300005', 'crc-durham-tees-valley', { iom: { cohort: true, force: 'cleveland' } }],
];

describe('Pages for officers: /find-a-person, /cohort, /case/{crn}', () => {
  let gw: TestGateway;
  let base: string;
  let idp: { issuer: string; process: StartedProcess };
  const officer = new Browser();

  async function lastIndex(): Promise<number> {
    return Number((await gw.sql<{ n: string }>(`SELECT coalesce(max(idx), -1) AS n FROM access_log_entries`))[0].n);
  }
  async function entriesSince(idx: number): Promise<StoredAccessLogEntry[]> {
    return (
      await gw.sql<{ e: StoredAccessLogEntry }>(
        `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries WHERE idx > $1 ORDER BY idx`,
        [idx],
      )
    ).map((r) => r.e);
  }
  /** Posts a form of the page at `pageUrl` (with its form token) to `action`. */
  async function submit(b: Browser, pageUrl: string, action: string, form: Record<string, string>) {
    const page = await b.get(`${base}${pageUrl}`);
    expect(page.status).toBe(200);
    return b.post(`${base}${action}`, { formToken: formTokenIn(await page.text()), ...form });
  }
  /** The main content of a page, without what differs per request. */
  const mainOf = (html: string) =>
    /<main[\s\S]*<\/main>/
      .exec(html)![0]
      .replace(/name="formToken" value="[^"]+"/g, '')
      .replace(/entry \d+ in the access log/, '');

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS });
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    idp = await startDemoIdp(gw, base);
    await activeAgreement(gw, agreementTerms());
    for (const [crn, org, over] of CASES) {
      const body = caseBody(org, { person: { ...PERSON, pncId: pncOf(crn) }, ...over });
      expect(
        (await gw.call('PUT', `/cases/${crn}`, { org: gw.orgs[creatorOf(org)], roles: ['system'] }, body)).status,
      ).toBe(201);
      const a = assessmentBody({ completedAt: '2026-11-05T10:00:00.000Z' });
      expect(
        (await gw.call('PUT', `/cases/${crn}/assessments/A1`, { org: gw.orgs[org], roles: ['system'] }, a)).status,
      ).toBe(201);
    }
    const signedIn = await signInThroughIdp(officer, base, 'police-cleveland', 'iom-officer@police-cleveland');
    expect(signedIn.url).toBe(`${base}/home`);
  }, 60_000);
  afterAll(async () => {
    await idp?.process.stop();
    await gw?.close();
  });

  it('answers a browser asking for an address with no page with a page, and a system with problem+json', async () => {
    for (const path of ['/case/', '/requests/new/', '/signing/keys/abc', '/no-such-page']) {
      const page = await fetch(`${base}${path}`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
      expect([path, page.status, page.headers.get('content-type')]).toEqual([path, 404, 'text/html; charset=utf-8']);
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'|script-src 'self'/);
      const html = await page.text();
      expect(html).toContain('Page not found');
      expect(html).toContain('href="/home"');
      const system = await fetch(`${base}${path}`, { headers: { accept: 'application/json' } });
      expect([path, system.status, system.headers.get('content-type')]).toEqual([
        path,
        404,
        'application/problem+json; charset=utf-8',
      ]);
    }
  });

  it('sends a person who is not signed in to sign in, from every page', async () => {
    const b = new Browser();
    for (const path of ['/find-a-person', '/cohort', '/case/T300001']) {
      const res = await b.get(`${base}${path}`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
    const post = await b.post(`${base}/case/T300001`, { purpose: 'IOM', reason: 'x' });
    expect(post.status).toBe(303);
  });

  it('finds a person by PNC number: says the summary may be read and links it; logged as the API logs, naming the IdP', async () => {
    const before = await lastIndex();
    const res = await submit(officer, '/find-a-person', '/find-a-person', {
      searchBy: 'pnc',
      pnc: pncOf('T300001'),
      purpose: 'IOM',
      reason: 'IOM tasking meeting',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<span class="app-nowrap">T300001</span>');
    expect(html).toContain('href="/case/T300001"');
    // Test organisations are registered without names: the page shows the id where there is no name.
    expect(html).toMatch(/Managed by\s*<\/dt>\s*<dd[^>]*>\s*nps-north-east/);
    // No case data: neither the RoSH level nor the tier.
    expect(html).not.toMatch(/MEDIUM|Medium|B2/);
    const entries = await entriesSince(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'person.search',
      resource: { type: 'person-search', id: 'pnc' },
      crn: 'T300001',
      purpose: 'IOM',
      reason: 'IOM tasking meeting',
      actor: { org: 'police-cleveland', roles: ['iom-officer'], idp: idp.issuer },
    });
  });

  it('by name and date of birth shows only the people it may read: never one no agreement covers, nor a restricted one', async () => {
    const res = await submit(officer, '/find-a-person', '/find-a-person', {
      searchBy: 'name',
      givenName: PERSON.givenName,
      familyName: PERSON.familyName,
      'dateOfBirth-day': '9',
      'dateOfBirth-month': '4',
      'dateOfBirth-year': '1988',
      purpose: 'IOM',
      reason: 'IOM tasking meeting',
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/case/T300001"');
    expect(html).not.toContain('T300005');
    expect(html).not.toContain('T300002');
    expect(html).not.toContain('T300003');
  });

  it('a restricted person, another force’s and an unknown PNC give the same page', async () => {
    const pages: string[] = [];
    for (const crn of ['T300002', 'T300003', 'T399999']) {
      const res = await submit(officer, '/find-a-person', '/find-a-person', {
        searchBy: 'pnc',
        pnc: pncOf(crn),
        purpose: 'IOM',
        reason: 'checking',
      });
      expect(res.status).toBe(200);
      pages.push(mainOf(await res.text()).replace(pncOf(crn), '<pnc>'));
    }
    expect(pages[0]).toContain('No person you may know of matches your search');
    expect(pages[1]).toBe(pages[0]);
    expect(pages[2]).toBe(pages[0]);
  });

  it('refuses a search with errors that name the fields, and logs nothing', async () => {
    const before = await lastIndex();
    const none = await submit(officer, '/find-a-person', '/find-a-person', {});
    expect(none.status).toBe(400);
    const html = await none.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('href="#searchBy"');
    expect(html).toContain('href="#purpose"');
    expect(html).toContain('href="#reason"');
    const badDate = await submit(officer, '/find-a-person', '/find-a-person', {
      searchBy: 'name',
      givenName: 'A',
      familyName: 'B',
      'dateOfBirth-day': '31',
      'dateOfBirth-month': '2',
      'dateOfBirth-year': '1990',
      purpose: 'IOM',
      reason: 'r',
    });
    expect(badDate.status).toBe(400);
    const dateHtml = await badDate.text();
    expect(dateHtml).toContain('href="#dateOfBirth-day"');
    expect(dateHtml).toContain('Date of birth must be a real date in the past');
    // What was typed stays in the form.
    expect(dateHtml).toContain('value="31"');
    const badPnc = await submit(officer, '/find-a-person', '/find-a-person', {
      searchBy: 'pnc',
      pnc: 'nonsense',
      purpose: 'IOM',
      reason: 'r',
    });
    expect(badPnc.status).toBe(400);
    expect(await badPnc.text()).toContain('href="#pnc"');
    expect(await lastIndex()).toBe(before);
  });

  it('refuses a form that did not come from the session (CSRF), and logs nothing', async () => {
    const before = await lastIndex();
    for (const path of ['/find-a-person', '/cohort', '/case/T300001']) {
      const res = await officer.post(`${base}${path}`, {
        formToken: 'forged',
        searchBy: 'pnc',
        pnc: pncOf('T300001'),
        purpose: 'IOM',
        reason: 'r',
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('This form has expired');
    }
    expect(await lastIndex()).toBe(before);
  });

  it('shows a data owner a 403 page for finding people and the cohort', async () => {
    const b = new Browser();
    await signInThroughIdp(b, base, 'police-cleveland', 'data-owner@police-cleveland');
    for (const path of ['/find-a-person', '/cohort']) expect((await b.get(`${base}${path}`)).status).toBe(403);
  });

  it('lists the cohort after a reason is given: RoSH level and assessment date, links to summaries, never a restricted member', async () => {
    const page = await officer.get(`${base}/cohort`);
    expect(page.status).toBe(200);
    const form = await page.text();
    expect(form).toContain('Cleveland');
    const noReason = await officer.post(`${base}/cohort`, { formToken: formTokenIn(form), reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('href="#reason"');
    const before = await lastIndex();
    const res = await officer.post(`${base}/cohort`, { formToken: formTokenIn(form), reason: 'IOM tasking meeting' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/case/T300001"');
    expect(html).toContain('Medium');
    expect(html).toContain('<time class="app-nowrap" datetime="2026-11-05T10:00:00.000Z">5 November 2026</time>');
    expect(html).not.toContain('T300005');
    expect(html).not.toContain('T300002');
    expect(html).not.toContain('T300003');
    const entries = await entriesSince(before);
    expect(entries.map((e) => [e.action, e.crn, e.actor.idp])).toEqual([['cohort.list', 'T300001', idp.issuer]]);
  });

  it('asks for a purpose and reason without looking the case up; the same page for every CRN', async () => {
    const before = await lastIndex();
    const known = await officer.get(`${base}/case/T300001`);
    const hidden = await officer.get(`${base}/case/T300002`);
    expect(known.status).toBe(200);
    expect(hidden.status).toBe(200);
    expect(mainOf(await hidden.text()).replaceAll('T300002', '<crn>')).toBe(
      mainOf(await known.text()).replaceAll('T300001', '<crn>'),
    );
    expect(await lastIndex()).toBe(before);
    expect((await officer.get(`${base}/case/not-a-crn`)).status).toBe(404);
  });

  it('reads the summary exactly as GET /cases/{crn}/summary decides and logs it, withheld fields named in plain words', async () => {
    const before = await lastIndex();
    const res = await submit(officer, '/case/T300001', '/case/T300001', {
      purpose: 'IOM',
      reason: 'IOM tasking meeting',
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<span class="app-nowrap">T300001</span>');
    expect(html).toContain('Overall: <strong>Medium</strong>');
    expect(html).toContain('What the risk of serious harm levels mean');
    expect(html).toContain('Reoffending band (OGRS3): <strong>Medium</strong>');
    expect(html).toContain('What the reoffending bands mean');
    expect(html).toContain('5 November 2026');
    // The IOM policy never gives police the raw percentages; the agreement does not name NEEDS.
    expect(html).toContain(
      'OGRS3 score (two-year reoffending, %)</strong>: The sharing policy does not give this to your role',
    );
    expect(html).toContain(
      'Criminogenic needs</strong>: No active data-sharing agreement between nps-north-east and your organisation covers it',
    );
    expect(html).not.toContain('62%');
    expect(html).toMatch(/href="\/requests\/new\?crn=T300001&amp;provider=[a-z-]+"/);
    const [entry] = await entriesSince(before);
    // The API's decision for the same organisation, roles, purpose: the same fields released and withheld.
    const api = await gw.call('GET', '/cases/T300001/summary?purpose=IOM', {
      org: gw.orgs['police-cleveland'],
      roles: ['iom-officer'],
      attrs: { force: 'cleveland' },
      reason: 'IOM tasking meeting',
    });
    const [apiEntry] = await entriesSince(entry.index);
    expect(entry).toMatchObject({
      action: 'case.summary',
      crn: 'T300001',
      decision: 'ALLOW',
      reason: 'IOM tasking meeting',
      actor: { idp: idp.issuer },
      fieldsReleased: apiEntry.fieldsReleased,
      fieldsWithheld: api.body.fieldsWithheld,
      reasons: apiEntry.reasons,
    });
  });

  it('gives a restricted case, one no agreement covers and an unknown CRN the same 404 page, each logged as the API logs it', async () => {
    const pages: { status: number; main: string }[] = [];
    for (const crn of ['T300002', 'T399998', 'T300003', 'T300005']) {
      const before = await lastIndex();
      const res = await submit(officer, `/case/${crn}`, `/case/${crn}`, { purpose: 'IOM', reason: 'checking' });
      pages.push({ status: res.status, main: mainOf(await res.text()) });
      const entries = await entriesSince(before);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action: 'case.summary',
        decision: 'DENY',
        crn,
        reasons: expect.arrayContaining(['not_found']),
      });
    }
    expect(pages[0].status).toBe(404);
    expect(pages[0].main).toContain('No case you may see');
    expect(pages[1]).toEqual(pages[0]);
    expect(pages[2]).toEqual(pages[0]);
    expect(pages[3]).toEqual(pages[0]);
  });

  it('refuses a summary without purpose or reason with errors naming them, and logs nothing', async () => {
    const before = await lastIndex();
    const res = await submit(officer, '/case/T300001', '/case/T300001', { purpose: 'NOSY', reason: '' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('href="#purpose"');
    expect(html).toContain('href="#reason"');
    expect(await lastIndex()).toBe(before);
  });
});
