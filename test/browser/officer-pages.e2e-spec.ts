import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchPersistentChromium } from '../support/browser.js';
import type { StartedProcess } from '../../bench/lib/spawn.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { activeAgreement, agreementTerms } from '../factories/agreement.factory.js';
import { assessmentBody, caseBody } from '../factories/case.factory.js';
import { axe } from '../support/axe.js';
import { startDemoIdp } from '../support/people.js';
import { TestGateway } from '../setup/test-app.js';

/** Set (to a folder) to refresh the README's screenshots: `npm run screenshots`. */
const SCREENSHOTS = process.env.IG_SCREENSHOTS;

/**
 * An IOM officer's journey in headless Chromium: sign in at the identity provider's form, find a
 * person by PNC number, open the summary with a purpose and reason, see the cohort; the same 404
 * page for a restricted case as for an unknown CRN; no serious or critical axe violation on any
 * page, at desktop and phone width, with no script error or CSP violation.
 */
describe('Officer pages in a browser: find a person, read the summary, the cohort', () => {
  let gw: TestGateway;
  let base: string;
  let profile: string;
  let context: BrowserContext;
  let idp: { issuer: string; process: StartedProcess };
  const PNC = '2012/0400010C';

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS });
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    idp = await startDemoIdp(gw, base);
    // The test gateway registers organisations by id; the pages show their names, as in the demo.
    for (const o of DEMO_ORGANISATIONS)
      await gw.sql(`UPDATE organisations SET name = $2 WHERE id = $1`, [o.id, o.name]);
    await activeAgreement(gw, agreementTerms());
    const person = { givenName: 'Robin', familyName: 'Browser', dateOfBirth: '1979-10-02' };
    for (const [crn, over] of [
      ['V400001', { person: { ...person, pncId: PNC }, iom: { cohort: true, force: 'cleveland' } }],
      ['V400002', { iom: { cohort: true, force: 'cleveland' }, restricted: true }],
    ] as const) {
      const nps = { org: gw.orgs['nps-north-east'], roles: ['system'] };
      expect((await gw.call('PUT', `/cases/${crn}`, nps, caseBody('nps-north-east', over))).status).toBe(201);
      const a = assessmentBody({ completedAt: '2026-11-05T10:00:00.000Z' });
      expect((await gw.call('PUT', `/cases/${crn}/assessments/A1`, nps, a)).status).toBe(201);
    }
    profile = mkdtempSync(path.join(os.tmpdir(), 'officer-chromium-'));
    context = await launchPersistentChromium(profile);
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await idp?.process.stop();
    await gw?.close();
  });

  /** A new tab at `width` that records every script error, CSP violation and unexpected failed load. */
  async function tab(problems: string[], width = 1280): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.setViewportSize({ width, height: 900 });
    page.on('console', (m) => {
      // Failed loads are judged by their responses below.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      // The 404 page of a hidden case and the 400 of the empty search are what the journey expects.
      const expected =
        (r.status() === 404 && r.url().startsWith(`${base}/case/`)) ||
        (r.status() === 400 && r.url() === `${base}/find-a-person`);
      if (r.status() >= 400 && !expected) problems.push(`${r.status()} ${r.url()}`);
    });
    return page;
  }

  /** At desktop width, and only when asked: the README's pictures of the journey. */
  async function screenshot(page: Page, width: number, name: string): Promise<void> {
    if (!SCREENSHOTS || width !== 1280) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  /** axe finds nothing serious, and nothing is wider than the window. */
  async function checkPage(page: Page, width: number): Promise<void> {
    expect(await axe(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  }

  for (const width of [1280, 360]) {
    it(`at ${width}px: signs in, finds a person by PNC, reads their summary, sees the cohort`, async () => {
      const problems: string[] = [];
      const page = await tab(problems, width);
      await page.goto(`${base}/sign-in/police-cleveland`);
      if (page.url().startsWith(idp.issuer)) {
        await page.getByLabel('Username').fill('iom-officer@police-cleveland');
        await page.getByLabel('Password').fill('demo');
        await page.getByRole('button', { name: 'Sign in' }).click();
      }
      await page.waitForURL(`${base}/home`);

      await page.goto(`${base}/find-a-person`, { waitUntil: 'networkidle' });
      await checkPage(page, width);
      // Sent empty: the error summary names the fields and takes focus.
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(`${base}/find-a-person`);
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Choose how to search');
      await checkPage(page, width);

      await page.getByRole('radio', { name: 'PNC number' }).check();
      await page.locator('#pnc').fill(PNC);
      await page.getByLabel('Integrated Offender Management (IOM)').check();
      await page.getByLabel('Your reason').fill('IOM tasking meeting');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('heading', { name: 'People you may know of' }).waitFor();
      await checkPage(page, width);
      await screenshot(page, width, 'officer-find-a-person');

      await page.getByRole('link', { name: /Read the summary/ }).click();
      await page.waitForURL(`${base}/case/V400001`);
      await checkPage(page, width);
      await page.getByLabel('Integrated Offender Management (IOM)').check();
      await page.getByLabel('Your reason').fill('IOM tasking meeting');
      await page.getByRole('button', { name: 'Show the summary' }).click();
      await page.getByRole('heading', { name: 'Case summary' }).waitFor();
      await expect(page.locator('main').textContent()).resolves.toContain('Not shared with you');
      await page.getByText('What the reoffending bands mean').click();
      await checkPage(page, width);
      await screenshot(page, width, 'officer-case-summary');
      expect(await page.getByRole('link', { name: /Ask for more/ }).getAttribute('href')).toBe(
        '/requests/new?crn=V400001&provider=nps-north-east',
      );

      // A restricted case and an unknown CRN: the same page.
      const texts: string[] = [];
      for (const crn of ['V400002', 'V499999']) {
        await page.goto(`${base}/case/${crn}`);
        await page.getByLabel('Integrated Offender Management (IOM)').check();
        await page.getByLabel('Your reason').fill('checking');
        await page.getByRole('button', { name: 'Show the summary' }).click();
        await page.getByRole('heading', { name: 'No case you may see' }).waitFor();
        await checkPage(page, width);
        texts.push((await page.locator('main').textContent()) ?? '');
      }
      expect(texts[1]).toBe(texts[0]);

      await page.goto(`${base}/cohort`);
      await page.getByLabel('Your reason').fill('IOM tasking meeting');
      await page.getByRole('button', { name: 'Show the cohort' }).click();
      await page.getByRole('link', { name: 'V400001' }).waitFor();
      await expect(page.locator('table').textContent()).resolves.toContain('5 November 2026');
      expect(await page.locator('main').textContent()).not.toContain('V400002');
      await checkPage(page, width);
      await screenshot(page, width, 'officer-cohort');
      expect(problems).toEqual([]);
      await page.close();
    }, 60_000);
  }
});
