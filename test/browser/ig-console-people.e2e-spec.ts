import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchPersistentChromium } from '../support/browser.js';
import type { StartedProcess } from '../../bench/lib/spawn.js';
import { AccessLogWriter } from '../../src/modules/access-log/index.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { DEMO_PASSWORD } from '../../src/demo/demo-people.js';
import { activeAgreement, agreementTerms } from '../factories/agreement.factory.js';
import { axe } from '../support/axe.js';
import { startDemoIdp } from '../support/people.js';
import { TestGateway } from '../setup/test-app.js';

/** Set (to a folder) to refresh the README's screenshots: `npm run screenshots`. */
const SCREENSHOTS = process.env.IG_SCREENSHOTS;

describe('IG console in a browser, signed in through the organisation’s identity provider', () => {
  let gw: TestGateway;
  let base: string;
  let idp: { issuer: string; process: StartedProcess };
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS });
    // The demo organisations' own names, so the console's names can be told from their ids.
    for (const o of DEMO_ORGANISATIONS)
      await gw.sql(`UPDATE organisations SET name = $2 WHERE id = $1`, [o.id, o.name]);
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    idp = await startDemoIdp(gw, base);
    const agreement = await activeAgreement(
      gw,
      agreementTerms({
        title: 'Durham IOM information sharing agreement',
        parties: [
          { org: 'nps-north-east', role: 'PROVIDER' },
          { org: 'police-durham', role: 'RECIPIENT' },
        ],
      }),
    );
    const writer = gw.app.get(AccessLogWriter);
    const read = (over: Record<string, unknown>) =>
      writer.append({
        actor: { org: 'police-durham', sub: 'user:pc-durham-4', roles: ['iom-officer'] },
        action: 'case.summary',
        resource: { type: 'case', id: 'D123456' },
        crn: 'D123456',
        purpose: 'IOM',
        reason: 'IOM tasking meeting',
        decision: 'ALLOW',
        reasons: ['rule:police.iom.summary'],
        fieldsReleased: ['tier', 'rosh.level'],
        fieldsWithheld: ['needs'],
        recipientOrg: 'police-durham',
        ownerOrg: 'nps-north-east',
        requestId: `req-${Math.random().toString(36).slice(2)}`,
        ...over,
      });
    await read({ agreement: { id: agreement, version: 1 } });
    await read({ decision: 'DENY', purpose: 'RECALL', reasons: ['no agreement covers RECALL'], fieldsReleased: [] });
    await read({ breakGlass: true, purpose: 'RISK_MANAGEMENT', reason: 'Out-of-hours risk escalation' });
    await read({
      breakGlass: true,
      actor: { org: 'police-durham', sub: 'user:pc-durham-9', roles: ['iom-officer'] },
      crn: 'D654321',
      resource: { type: 'case', id: 'D654321' },
    });

    profile = mkdtempSync(path.join(os.tmpdir(), 'ig-people-chromium-'));
    context = await launchPersistentChromium(profile, {
      timezoneId: 'Europe/London',
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
  });

  const shot = async (name: string) => {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await idp?.process.stop();
    await gw?.close();
  });

  it('an IG reviewer signs in at their IdP’s login form and uses the console without pasting a token', async () => {
    await page.goto(`${base}/ig`);
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(await axe(page)).toEqual([]);
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
    await page.getByRole('link', { name: 'Durham Constabulary' }).click();
    // The demo identity provider's own login form, on its own origin.
    await page.getByLabel('Username').fill('ig-reviewer@police-durham');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where the sign-in started: the console.
    await page.waitForURL(`${base}/ig`);
    await page.getByRole('heading', { name: 'Log review' }).waitFor();
    await page.getByText(/^Signed in as .+ \(Durham Constabulary\)$/).waitFor();
    problems.length = 0;

    // Names, plain purposes, and no pasted token anywhere.
    await page.getByLabel('Acting organisation').selectOption({ label: 'Durham Constabulary' });
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: 'entries shown' }).waitFor();
    const rows = page.locator('#log-table tbody tr').filter({ hasText: 'case.summary' });
    expect(await rows.count()).toBe(4);
    expect(await rows.first().textContent()).toContain('Durham Constabulary');
    expect(await page.locator('#log-table').textContent()).toContain('Risk management');
    // Dates and CRNs do not break across lines.
    expect(await rows.first().locator('td.app-nowrap').count()).toBe(2);
    expect(await axe(page)).toEqual([]);

    // The entry: field names in plain words, the IdP the reviewer came through is not the actor's.
    await rows.last().getByRole('link').click();
    await page.locator('#entry-detail').getByText('Tier, RoSH level').waitFor();
    const detail = await page.locator('#entry-detail').textContent();
    expect(detail).toContain('Durham IOM information sharing agreement (version 1)');
    expect(detail).toContain('Criminogenic needs');
    await page.goBack();
    await page.getByRole('heading', { name: 'Log review' }).waitFor();

    // CSV of the search, downloaded as a file.
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: 'entries shown' }).waitFor();
    const csvLink = page.getByRole('link', { name: 'Download these results as CSV' });
    expect(await csvLink.getAttribute('href')).toBe('/ig/api/entries.csv?org=police-durham');
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^index,timestamp,actorOrg,/);
    expect(csv).toContain('D654321');
    expect(problems).toEqual([]);
  });

  it('is on the same front end as the other pages: the shared header, GOV.UK Frontend, every section accessible and usable at 320 px', async () => {
    // From the home page to the console: the same service name and links in the same GOV.UK header.
    await page.goto(`${base}/home`);
    const service = page.locator('.govuk-service-navigation__service-name');
    const links = page.locator('.govuk-service-navigation__list a');
    const homeService = await service.textContent();
    const homeLinks = await links.allTextContents();
    await page.goto(`${base}/ig`);
    await page.getByRole('heading', { name: 'Log review' }).waitFor();
    expect(await service.textContent()).toBe(homeService);
    expect(await links.allTextContents()).toEqual(homeLinks);
    // The signed-in person, by name, and Sign out are in that header.
    const name = await page.evaluate(
      async () => ((await (await fetch('/ig/api/session')).json()) as { name: string }).name,
    );
    expect(name).toBeTruthy();
    const header = page.locator('header.govuk-template__header .govuk-service-navigation');
    await header.getByText(`Signed in as ${name} (Durham Constabulary)`).waitFor();
    expect(await header.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    // GOV.UK Frontend's stylesheet, its fonts and its script (the service navigation's menu) run.
    const sheets = await page.evaluate(() => Array.from(document.styleSheets, (s) => s.href));
    expect(sheets).toContain(`${base}/assets/govuk/govuk-frontend.min.css`);
    expect(
      await page
        .getByRole('heading', { name: 'Information governance console' })
        .evaluate((h) => getComputedStyle(h).fontFamily),
    ).toMatch(/^"GDS Transport"/);
    expect(await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported'))).toBe(true);
    expect(await page.locator('.app-needs-js-message').isVisible()).toBe(false);

    /** Each section, and what shows once it has loaded. */
    const sections: [string, () => Promise<void>][] = [
      ['Log review', () => page.getByRole('status').filter({ hasText: 'entries shown' }).waitFor()],
      [
        'Subject access report',
        async () => {
          // No CRN: a GOV.UK error summary names the field and links to it.
          await page.getByLabel('CRN of the person').fill('');
          await page.getByRole('button', { name: 'Show report' }).click();
          await page
            .locator('#subject-form .govuk-error-summary')
            .getByRole('link', { name: /^CRN: / })
            .waitFor();
          expect(await axe(page)).toEqual([]);
          await page.getByLabel('CRN of the person').fill('D123456');
          await page.getByRole('button', { name: 'Show report' }).click();
          await page.locator('#report-table tbody tr').first().waitFor();
          // The report clears the error summary as it loads; a table already shown can be visible
          // before that, so wait for the summary to go (this times out, failing, if it never does).
          await page.locator('#subject-form .govuk-error-summary').waitFor({ state: 'detached' });
        },
      ],
      ['Misuse flags', () => page.locator('li.app-flag').first().waitFor()],
      ['Activity charts', () => page.locator('#chart-break-glass svg rect').first().waitFor()],
      [
        'Governance overview',
        () => page.locator('#checkpoint-verify').filter({ hasText: 'Signature verified' }).waitFor(),
      ],
      ['IG records', () => page.locator('#agreement-record-table tbody tr').first().waitFor()],
      ['Retention', () => page.locator('#retention-kinds tbody tr').first().waitFor()],
    ];
    const noSidewaysScroll = async () =>
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [section, loaded] of sections) {
        // At 320 px the header's links fold into its menu; the console's sections stay in view.
        await page.locator('#nav').getByRole('link', { name: section, exact: true }).click();
        await page.getByRole('heading', { name: section, exact: true }).waitFor();
        expect(await page.locator('#nav [aria-current="page"]').textContent()).toBe(section);
        expect(await page.title()).toBe(
          `${section} - Information governance console - Probation information-sharing gateway`,
        );
        await loaded();
        expect([section, width, await axe(page)]).toEqual([section, width, []]);
        if (width === 320) await noSidewaysScroll();
      }
      // An entry, verified.
      await page.locator('#nav').getByRole('link', { name: 'Log review' }).click();
      await page.locator('#log-table tbody tr').first().getByRole('link').click();
      await page.getByRole('button', { name: 'Verify against the signed checkpoint' }).click();
      await page
        .locator('#verify-outcome')
        .filter({ hasText: /^Verified/ })
        .waitFor();
      expect([width, await axe(page)]).toEqual([width, []]);
      if (width === 320) {
        await noSidewaysScroll();
        expect(await page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(true);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('#nav').getByRole('link', { name: 'Log review' }).click();
    expect(problems).toEqual([]);
  });

  it('reviews a misuse flag and then lists only the unreviewed ones', async () => {
    await page.getByRole('link', { name: 'Misuse flags' }).click();
    const flags = page.locator('li.app-flag[data-kind="BREAK_GLASS"]');
    await flags.first().waitFor();
    expect(await flags.count()).toBe(2);
    expect(await flags.first().textContent()).toContain('(Durham Constabulary)');
    const first = flags.filter({ hasText: 'user:pc-durham-9' });
    await first.getByLabel('Review note').fill('Confirmed with the duty inspector.');
    await first.getByRole('button', { name: 'Mark reviewed' }).click();
    await first.getByText(/^Reviewed by user:/).waitFor();

    await page.getByLabel('Unreviewed only').check();
    await shot('misuse-flags-unreviewed');
    await page.getByRole('button', { name: 'Find flags' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /unreviewed flags? from/ })
      .waitFor();
    const left = page.locator('li.app-flag[data-kind="BREAK_GLASS"]');
    expect(await left.count()).toBe(1);
    expect(await left.textContent()).toContain('user:pc-durham-4');
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows the activity charts, each with its data as a table; usable at phone width', async () => {
    await page.getByRole('link', { name: 'Activity charts' }).click();
    await page.locator('#chart-break-glass svg rect').first().waitFor();
    for (const name of [
      'Accesses per day by organisation',
      'Accesses per day by purpose',
      'Denials per day',
      'Break-glass accesses per day',
    ])
      expect(await page.getByRole('figure', { name }).count()).toBe(1);
    expect(await page.locator('#chart-organisations svg').getAttribute('role')).toBe('img');
    await page.getByText('Break-glass accesses per day: the data as a table').click();
    const today = page.locator('#chart-break-glass-table tbody tr').last();
    expect(await today.locator('td').textContent()).toBe('2');
    await page.getByText('Accesses per day by organisation: the data as a table').click();
    expect(await page.locator('#chart-organisations-table thead').textContent()).toContain('Durham Constabulary');
    expect(await axe(page)).toEqual([]);
    await shot('ig-activity-charts');

    await page.setViewportSize({ width: 360, height: 780 });
    await page.getByRole('link', { name: 'Log review' }).click();
    await page.getByRole('heading', { name: 'Log review' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axe(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(problems).toEqual([]);
  });

  it('a person without the ig-reviewer role sees why, on the sign-in view', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    // Signed out at the IdP too (a new browser), so its login form is shown again.
    await context.clearCookies();
    await page.goto(`${base}/sign-in/police-durham`);
    await page.getByLabel('Username').fill('iom-officer@police-durham');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/home`);
    await page.goto(`${base}/ig`);
    const error = page.locator('#signin-error');
    await error.getByText(/ig-reviewer role/).waitFor();
    expect(await error.isVisible()).toBe(true);
    expect(await axe(page)).toEqual([]);
    // The sign-in view at 320 px: no sideways scroll.
    await page.setViewportSize({ width: 320, height: 780 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    expect(await axe(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
