import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchPersistentChromium } from '../support/browser.js';
import type { StartedProcess } from '../../bench/lib/spawn.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { TestGateway } from '../setup/test-app.js';
import { axe } from '../support/axe.js';
import { aCase, askNps, iomAgreement, nameDemoOrganisations } from '../support/exchange-requests.js';
import { startDemoIdp } from '../support/people.js';

/** Set (to a folder) to refresh the README's screenshots: `npm run screenshots`. */
const SCREENSHOTS = process.env.IG_SCREENSHOTS;
const PHONE = { width: 360, height: 740 };

describe('A data owner approves a request and the officer reads the verified answer, in a browser (headless Chromium)', () => {
  let gw: TestGateway;
  let base: string;
  let profile: string;
  let context: BrowserContext;
  let idp: StartedProcess;
  let urgent: string;

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS });
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    ({ process: idp } = await startDemoIdp(gw, base));
    await nameDemoOrganisations(gw);
    const agreement = await iomAgreement(gw);
    await aCase(gw, 'X300001');
    await aCase(gw, 'X300002');
    await askNps(gw, agreement, { crn: 'X300001', dataCategories: ['IDENTITY'] });
    urgent = await askNps(gw, agreement, { crn: 'X300002', dataCategories: ['ROSH', 'NEEDS'], urgency: 'URGENT' });
    profile = mkdtempSync(path.join(os.tmpdir(), 'exchange-chromium-'));
    context = await launchPersistentChromium(profile);
  });
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await idp?.stop();
    await gw?.close();
  });

  /** A new tab recording script errors, CSP violations and failed loads (other than the expected 400s) into `problems`. */
  async function tab(problems: string[]): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 400/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400 && r.status() !== 400) problems.push(`${r.status()} ${r.url()}`);
    });
    return page;
  }

  /** Signs `username` in from the gateway's sign-in page through the identity provider's form (a fresh browser). */
  async function signIn(page: Page, org: string, username: string): Promise<void> {
    await context.clearCookies();
    await page.goto(`${base}/sign-in`);
    await page.locator(`a[href="/sign-in/${org}"]`).click();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/home`);
  }

  async function fitsPhone(page: Page): Promise<void> {
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await axe(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  it('the data owner sees the URGENT request first, what approving releases, is told the reason is missing, approves', async () => {
    const problems: string[] = [];
    const page = await tab(problems);
    await signIn(page, 'nps-north-east', 'data-owner@nps-north-east');
    await page.getByRole('link', { name: 'Requests to decide' }).click();
    await page.waitForURL(`${base}/requests/incoming`);
    const titles = await page.locator('.govuk-summary-card__title').allTextContents();
    expect(titles.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
      'Urgent Cleveland Police asks about X300002',
      'Cleveland Police asks about X300001',
    ]);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'data-owner-queue');
    await fitsPhone(page);

    await page.getByRole('link', { name: /Decide the request from Cleveland Police about X300002/ }).click();
    await page.waitForURL(`${base}/requests/incoming/${urgent}`);
    await expect(page.locator('#released-fields').textContent()).resolves.toContain('Risk of serious harm levels');
    expect(await axe(page)).toEqual([]);
    await fitsPhone(page);

    await page.getByLabel('Approve and release the fields above').check();
    await page.getByRole('button', { name: 'Send decision' }).click();
    await page.waitForSelector('.govuk-error-summary');
    await expect(page.getByRole('link', { name: 'Enter the reason for your decision' }).isVisible()).resolves.toBe(
      true,
    );
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'data-owner-missing-reason');

    await page.getByLabel('Reason for your decision').fill('Recall under consideration: proportionate');
    await page.getByRole('button', { name: 'Send decision' }).click();
    await page.waitForURL(`${base}/requests/incoming?decided=${urgent}`);
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
      'You approved the request about X300002',
    );
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'data-owner-approved');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the officer finds the answered request among theirs and reads the response with its verified receipt', async () => {
    const problems: string[] = [];
    const page = await tab(problems);
    await signIn(page, 'police-cleveland', 'iom-officer@police-cleveland');
    await page.getByRole('link', { name: 'Your requests for information' }).click();
    await page.waitForURL(`${base}/requests`);
    expect(await axe(page)).toEqual([]);
    await fitsPhone(page);
    await page.getByRole('link', { name: /View the request about X300002/ }).click();
    await page.waitForURL(`${base}/requests/${urgent}`);
    await expect(page.locator('#receipt').textContent()).resolves.toMatch(
      /Verified: signed by the gateway key \S+ on .+, access log entry \d+ included in the tree of size \d+/,
    );
    await expect(page.locator('#released').textContent()).resolves.toContain('Overall: High');
    // The browser's own check, with WebCrypto and the shared RFC 9162 code, agrees.
    const own = page.locator('#browser-check[data-outcome]');
    await expect(own.getAttribute('data-outcome')).resolves.toBe('verified');
    await expect(own.textContent()).resolves.toMatch(
      /Your browser checked it too: signed by the gateway key \S+, access log entry \d+ included in the tree of size \d+/,
    );
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'officer-verified-response');
    await fitsPhone(page);
    expect(problems).toEqual([]);
    await page.close();
  });
});
