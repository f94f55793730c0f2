import type { Browser as Chromium, BrowserContext, Page } from 'playwright-core';
import type { StartedProcess } from '../../bench/lib/spawn.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { DEMO_PASSWORD } from '../../src/demo/demo-people.js';
import { activeAgreement, agreementTerms, signAs, signatory } from '../factories/agreement.factory.js';
import { assessmentBody, caseBody } from '../factories/case.factory.js';
import { TestGateway } from '../setup/test-app.js';
import { checkPage, freshBrowser, launchChromium, makeApprovedKey, signInThroughIdpForm } from '../support/browser.js';
import { demoSub, nameDemoOrganisations } from '../support/exchange-requests.js';
import { startDemoIdp } from '../support/people.js';

const IOM = 'Integrated Offender Management (IOM)';
const PNC = '2012/0400010C';
/** A cohort member of Cleveland's IOM cohort, managed by NPS North East, with that PNC number. */
const MEMBER = 'V400001';
/** Another member, restricted: to Cleveland's officer, no such person. */
const RESTRICTED = 'V400002';
const UNKNOWN = 'V499999';

/**
 * Every journey of the pages for people, one after another in one run of headless Chromium,
 * each person signed in through the demo identity provider's login form in a browser of their
 * own, with axe-core on every page: Cleveland's IOM officer finds a person by PNC number, gets
 * the same page for a restricted case as for an unknown CRN, reads a cohort member's summary
 * with a purpose and a reason and asks for more (a request signed in the browser with their
 * personal key); NPS North East's data owner approves it; the officer reads the verified
 * response; Cleveland's signatory signs the amended agreement; Cleveland's IG reviewer finds all
 * of it in the access log and verifies an entry in the browser. The steps depend on each other,
 * in order.
 */
describe('The journeys of the pages for people, end to end in one browser run', () => {
  let gw: TestGateway;
  let base: string;
  let idp: StartedProcess;
  let chrome: Chromium;
  let agreement: string;
  let terms: Record<string, unknown>;
  let officer: { ctx: BrowserContext; page: Page };
  let requestId: string;
  const problems: string[] = [];
  /** The hidden case's 404 page is what the journey expects; so is the IG console's "not signed in" check. */
  const expected = (status: number, url: string) =>
    (status === 404 && url.startsWith(`${base}/case/`)) || (status === 401 && url === `${base}/ig/api/session`);

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS });
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    idp = (await startDemoIdp(gw, base)).process;
    await nameDemoOrganisations(gw);
    // The policies give Cleveland's IOM officers the summary of a cohort member's risk management
    // plan, for IOM; the plan for risk management takes NPS North East's data owner.
    terms = agreementTerms({
      purposes: ['IOM', 'RISK_MANAGEMENT'],
      dataCategories: ['IDENTITY', 'RISK_SUMMARY', 'ROSH', 'NEEDS', 'RISK_MANAGEMENT_PLAN', 'LICENCE_CONDITIONS'],
    });
    agreement = await activeAgreement(gw, terms);
    const person = { givenName: 'Robin', familyName: 'Browser', dateOfBirth: '1979-10-02' };
    const nps = { org: gw.orgs['nps-north-east'], roles: ['system'] };
    for (const [crn, over] of [
      [MEMBER, { person: { ...person, pncId: PNC }, iom: { cohort: true, force: 'cleveland' } }],
      [RESTRICTED, { iom: { cohort: true, force: 'cleveland' }, restricted: true }],
    ] as const) {
      expect((await gw.call('PUT', `/cases/${crn}`, nps, caseBody('nps-north-east', over))).status).toBe(201);
      const a = assessmentBody({ completedAt: '2026-11-05T10:00:00.000Z' });
      expect((await gw.call('PUT', `/cases/${crn}/assessments/A1`, nps, a)).status).toBe(201);
    }
    chrome = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await chrome?.close();
    await idp?.stop();
    await gw?.close();
  });
  afterEach(() => {
    expect(problems).toEqual([]);
    problems.length = 0;
  });

  it('an IOM officer signs in, finds a person by PNC, gets one page for a restricted and an unknown case, reads a cohort member’s summary, and asks for more, signed in the browser', async () => {
    officer = await freshBrowser(chrome, problems, expected);
    const { page } = officer;
    await signInThroughIdpForm(page, base, 'police-cleveland', 'iom-officer@police-cleveland');
    await checkPage(page);
    // The personal key the request will be signed with, approved by Cleveland's own system.
    const kid = await makeApprovedKey(gw, page, base, 'police-cleveland');

    await page.goto(`${base}/home`);
    await page.locator('a[href="/find-a-person"]').click();
    await page.waitForURL(`${base}/find-a-person`);
    await checkPage(page);
    await page.getByRole('radio', { name: 'PNC number' }).check();
    await page.locator('#pnc').fill(PNC);
    await page.getByLabel(IOM).check();
    await page.getByLabel('Your reason').fill('IOM tasking meeting');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'People you may know of' }).waitFor();
    expect(await page.getByRole('link', { name: /Read the summary/ }).getAttribute('href')).toBe(`/case/${MEMBER}`);
    await checkPage(page);

    // A restricted case and an unknown CRN: the same page.
    const texts: string[] = [];
    for (const crn of [RESTRICTED, UNKNOWN]) {
      await page.goto(`${base}/case/${crn}`);
      await page.getByLabel(IOM).check();
      await page.getByLabel('Your reason').fill('IOM tasking meeting');
      await page.getByRole('button', { name: 'Show the summary' }).click();
      await page.getByRole('heading', { name: 'No case you may see' }).waitFor();
      await checkPage(page);
      texts.push((await page.locator('main').textContent()) ?? '');
    }
    expect(texts[1]).toBe(texts[0]);

    // The cohort, and a member's summary for a purpose, with a reason.
    await page.goto(`${base}/cohort`);
    await checkPage(page);
    await page.getByLabel('Your reason').fill('IOM tasking meeting');
    await page.getByRole('button', { name: 'Show the cohort' }).click();
    await page.getByRole('link', { name: MEMBER }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain(RESTRICTED);
    await checkPage(page);
    await page.getByRole('link', { name: MEMBER }).click();
    await page.waitForURL(`${base}/case/${MEMBER}`);
    await checkPage(page);
    await page.getByLabel(IOM).check();
    await page.getByLabel('Your reason').fill('IOM tasking meeting');
    await page.getByRole('button', { name: 'Show the summary' }).click();
    await page.getByRole('heading', { name: 'Case summary' }).waitFor();
    // For IOM, the plan's summary and not its actions: what the officer then asks for.
    const summary = await page.locator('main').textContent();
    expect(summary).toContain('Weekly reporting; drug testing; curfew 19:00-07:00');
    expect(summary).not.toContain('Joint home visit with IOM police');
    await checkPage(page);

    // Ask for more: the request is checked, then signed with the personal key in this browser.
    await page.getByRole('link', { name: /Ask for more/ }).click();
    await page.waitForURL(`${base}/requests/new?crn=${MEMBER}&provider=nps-north-east`);
    await checkPage(page);
    await page.getByLabel('Risk management', { exact: true }).check();
    await page.getByLabel('Risk management plan').check();
    await page.getByLabel('Why you need it').fill('The plan’s actions, for a joint home visit on Monday');
    await page.getByLabel('Routine').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Check and sign your request' }).waitFor();
    await checkPage(page);
    await page.getByRole('button', { name: 'Sign and send the request' }).click();
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    requestId = page.url().split('/').pop()!;
    await checkPage(page);
    const [row] = await gw.sql<{ request_kid: string; crn: string }>(
      `SELECT request_kid, crn FROM exchange_requests WHERE id = $1`,
      [requestId],
    );
    expect(row).toEqual({ request_kid: kid, crn: MEMBER });
  });

  it('the data owner sees what approving would release and approves the request', async () => {
    const { ctx, page } = await freshBrowser(chrome, problems, expected);
    await signInThroughIdpForm(page, base, 'nps-north-east', 'data-owner@nps-north-east');
    await page.getByRole('link', { name: 'Requests to decide' }).click();
    await page.waitForURL(`${base}/requests/incoming`);
    await checkPage(page);
    await page.getByRole('link', { name: `Decide the request from Cleveland Police about ${MEMBER}` }).click();
    await page.waitForURL(`${base}/requests/incoming/${requestId}`);
    await expect(page.locator('#released-fields').textContent()).resolves.toContain('Risk management plan');
    await checkPage(page);
    await page.getByLabel('Approve and release the fields above').check();
    await page.getByLabel('Reason for your decision').fill('IOM tasking: proportionate');
    await page.getByRole('button', { name: 'Send decision' }).click();
    await page.waitForURL(`${base}/requests/incoming?decided=${requestId}`);
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
      `You approved the request about ${MEMBER}`,
    );
    await checkPage(page);
    await ctx.close();
  });

  it('the officer reads the response, its receipt verified by the gateway and again by the browser', async () => {
    const { page } = officer;
    await page.goto(`${base}/home`);
    await page.getByRole('link', { name: 'Your requests for information' }).click();
    await page.waitForURL(`${base}/requests`);
    await checkPage(page);
    await page.getByRole('link', { name: new RegExp(`View the request about ${MEMBER}`) }).click();
    await page.waitForURL(`${base}/requests/${requestId}`);
    await expect(page.locator('#receipt').textContent()).resolves.toMatch(
      /Verified: signed by the gateway key \S+ on .+, access log entry \d+ included in the tree of size \d+/,
    );
    await expect(page.locator('#released').textContent()).resolves.toContain('Joint home visit with IOM police');
    const own = page.locator('#browser-check[data-outcome]');
    await expect(own.getAttribute('data-outcome')).resolves.toBe('verified');
    await checkPage(page);
    await officer.ctx.close();
  });

  it('a signatory signs the amended agreement with a key made in their browser', async () => {
    const nps = gw.orgs['nps-north-east'];
    const amended = await gw.call('PUT', `/agreements/${agreement}`, signatory(nps), { ...terms, retentionDays: 365 });
    expect(amended.status).toBe(200);
    expect((await signAs(gw, agreement, nps)).status).toBe(201);

    const { ctx, page } = await freshBrowser(chrome, problems, expected);
    await signInThroughIdpForm(page, base, 'police-cleveland', 'dsa-signatory@police-cleveland');
    const kid = await makeApprovedKey(gw, page, base, 'police-cleveland');
    await page.goto(`${base}/signing`);
    await checkPage(page);
    await page.locator(`a[href="/signing/${agreement}"]`).click();
    await page.waitForURL(`${base}/signing/${agreement}`);
    await page.getByText('Retention changed from 730 to 365 days.').waitFor();
    await checkPage(page);
    await page.getByRole('button', { name: 'Sign with my key' }).click();
    await page.waitForURL(`${base}/signing/${agreement}?signed=1`);
    await page.getByText('You signed version 2 of this agreement.').waitFor();
    await checkPage(page);
    const after = await gw.call('GET', `/agreements/${agreement}`, signatory(gw.orgs['police-cleveland']));
    expect(after.body).toMatchObject({ status: 'ACTIVE', version: 2, activeVersion: 2 });
    expect(after.body.signatures.find((s: { org: string }) => s.org === 'police-cleveland')).toMatchObject({ kid });
    await ctx.close();
  });

  it('an IG reviewer signs in, finds all of it in the access log and verifies an entry in the browser', async () => {
    const { ctx, page } = await freshBrowser(chrome, problems, expected);
    await page.goto(`${base}/ig`);
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await checkPage(page);
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
    await page.getByRole('link', { name: 'Cleveland Police' }).click();
    await page.getByLabel('Username').fill('ig-reviewer@police-cleveland');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where the sign-in started: the console.
    await page.waitForURL(`${base}/ig`);
    await page.getByRole('heading', { name: 'Log review' }).waitFor();
    await page.getByText(/^Signed in as .+ \(Cleveland Police\)$/).waitFor();
    await checkPage(page);

    /** The entries a search finds, each as "actor action CRN purpose decision". */
    const find = async (field: 'CRN' | 'Actor', value: string): Promise<string[]> => {
      await page.getByLabel('CRN', { exact: true }).fill(field === 'CRN' ? value : '');
      await page.getByLabel('Actor', { exact: true }).fill(field === 'Actor' ? value : '');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('status').filter({ hasText: 'entries shown' }).waitFor();
      // The previous search's rows may still be shown for a moment: wait for this one's.
      await page.waitForFunction((v) => {
        const rows = document.querySelectorAll('#log-table tbody tr');
        return rows.length > 0 && Array.from(rows).every((r) => r.textContent?.includes(v));
      }, value);
      return page.locator('#log-table tbody tr').evaluateAll((rows) =>
        rows.map((r) =>
          Array.from((r as HTMLTableRowElement).cells)
            .slice(3)
            .map((c) => c.textContent?.trim())
            .join(' '),
        ),
      );
    };
    const officerSub = demoSub('iom-officer', 'police-cleveland');
    // The officer's search, the two hidden cases (denied alike), the cohort, the summary, the request and the response read.
    expect(await find('Actor', officerSub)).toEqual(
      expect.arrayContaining(
        [
          `person.search ${MEMBER} IOM ALLOW`,
          `case.summary ${RESTRICTED} IOM DENY`,
          `case.summary ${UNKNOWN} IOM DENY`,
          `cohort.list ${MEMBER} IOM ALLOW`,
          `case.summary ${MEMBER} IOM ALLOW`,
          `exchange.submit ${MEMBER} Risk management ALLOW`,
          `exchange.response.read ${MEMBER} Risk management ALLOW`,
        ].map((e) => `${officerSub} ${e}`),
      ),
    );
    await checkPage(page);
    // The data owner's decision and release, about the person Cleveland asked about.
    const dataOwner = demoSub('data-owner', 'nps-north-east');
    expect(await find('CRN', MEMBER)).toEqual(
      expect.arrayContaining([
        `${dataOwner} exchange.decide ${MEMBER} Risk management ALLOW`,
        `${dataOwner} exchange.release ${MEMBER} Risk management ALLOW`,
      ]),
    );
    // The signatory's signature of the amended agreement.
    const signatorySub = demoSub('dsa-signatory', 'police-cleveland');
    expect(await find('Actor', signatorySub)).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^${signatorySub} agreement\\.sign`))]),
    );

    // The data owner's release, verified in the browser against the signed checkpoint.
    await find('CRN', MEMBER);
    await page.locator('#log-table tbody tr').filter({ hasText: 'exchange.release' }).first().getByRole('link').click();
    await page.locator('#entry-detail').getByText('Risk management plan').first().waitFor();
    await page.getByRole('button', { name: 'Verify against the signed checkpoint' }).click();
    const outcome = page.locator('#verify-outcome');
    await outcome.waitFor();
    expect(await outcome.textContent()).toMatch(/^Verified: entry \d+ is in the signed log of \d+ entries\.$/);
    expect(await page.locator('.app-steps li.app-step--ok').count()).toBe(4);
    await checkPage(page);
    await ctx.close();
  });
});
