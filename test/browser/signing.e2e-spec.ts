import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser as Chromium, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import type { StartedProcess } from '../../bench/lib/spawn.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { activeAgreement, agreementTerms, signAs, signatory } from '../factories/agreement.factory.js';
import { aCase } from '../factories/exchange.factory.js';
import { axe } from '../support/axe.js';
import { startDemoIdp } from '../support/people.js';
import { TestGateway } from '../setup/test-app.js';

/** Set (to a folder) to refresh the README's screenshots: `npm run screenshots`. */
const SCREENSHOTS = process.env.IG_SCREENSHOTS;

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

describe('Signing in the browser (headless Chromium): personal keys, a signatory, an officer asking for more', () => {
  let gw: TestGateway;
  let base: string;
  let idp: StartedProcess;
  let chrome: Chromium;

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS });
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    idp = (await startDemoIdp(gw, base)).process;
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close();
    await idp?.stop();
    await gw?.close();
  });

  /** A fresh browser (its own cookies and IndexedDB) signed in as `username`; every script error and failed load lands in `problems`. */
  async function personIn(
    org: string,
    username: string,
    problems: string[],
  ): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await chrome.newContext({ locale: 'en-GB' });
    const page = await ctx.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().includes('favicon')) problems.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${base}/sign-in/${org}`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/home`);
    return { ctx, page };
  }

  /** Makes a key on the keys page; answers its kid, which the organisation's system then approves through the API. */
  async function makeApprovedKey(page: Page, org: string): Promise<string> {
    await page.goto(`${base}/signing/keys`, { waitUntil: 'networkidle' });
    expect(await axe(page)).toEqual([]);
    await page.getByRole('button', { name: 'Make a signing key in this browser' }).click();
    await page.waitForURL(`${base}/signing/keys?registered=1`);
    await page.getByText('Held in this browser').waitFor();
    expect(await page.getByText('Waiting for approval').count()).toBe(1);
    const kid = await page.locator('code.app-key-id').first().getAttribute('title');
    expect(kid).toMatch(/^person-/);
    // The private half never left the browser: the gateway holds exactly the public members.
    const [row] = await gw.sql<{ jwk: Record<string, unknown> }>(`SELECT jwk FROM person_keys WHERE kid = $1`, [kid]);
    expect(Object.keys(row.jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    const approved = await gw.call('POST', `/organisations/${org}/person-keys/${kid}/approve`, {
      org: gw.orgs[org],
      roles: ['system'],
      sub: 'system:key-admin',
    });
    expect(approved.status).toBe(200);
    await page.reload({ waitUntil: 'networkidle' });
    expect(await page.getByText('Approved', { exact: true }).count()).toBe(1);
    expect(await axe(page)).toEqual([]);
    if (org === 'police-cleveland' && (await page.getByText('dsa-signatory').count()) > 0)
      await screenshot(page, 'signing-keys');
    return kid!;
  }

  it('a signatory makes a key, it is approved, and they sign an amended agreement with it', async () => {
    const id = await activeAgreement(gw);
    const amended = await gw.call(
      'PUT',
      `/agreements/${id}`,
      signatory(gw.orgs['nps-north-east']),
      agreementTerms({ retentionDays: 365 }),
    );
    expect(amended.status).toBe(200);
    expect((await signAs(gw, id, gw.orgs['nps-north-east'])).status).toBe(201);

    const problems: string[] = [];
    const { ctx, page } = await personIn('police-cleveland', 'dsa-signatory@police-cleveland', problems);
    const kid = await makeApprovedKey(page, 'police-cleveland');

    await page.goto(`${base}/signing`, { waitUntil: 'networkidle' });
    expect(await axe(page)).toEqual([]);
    await page.locator(`a[href="/signing/${id}"]`).click();
    await page.waitForURL(`${base}/signing/${id}`);
    await page.getByText('Retention changed from 730 to 365 days.').waitFor();
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'signing-agreement');
    await page.getByRole('button', { name: 'Sign with my key' }).click();
    await page.waitForURL(`${base}/signing/${id}?signed=1`);
    await page.getByText('You signed version 2 of this agreement.').waitFor();
    expect(await axe(page)).toEqual([]);

    const after = await gw.call('GET', `/agreements/${id}`, signatory(gw.orgs['police-cleveland']));
    expect(after.body).toMatchObject({ status: 'ACTIVE', version: 2, activeVersion: 2 });
    expect(after.body.signatures.find((s: { org: string }) => s.org === 'police-cleveland')).toMatchObject({ kid });

    // On a phone: nothing wider than the screen.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${base}/signing/${id}`, { waitUntil: 'networkidle' });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.goto(`${base}/signing/keys`, { waitUntil: 'networkidle' });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it('an officer asks for more: the request is signed in the browser and submitted', async () => {
    await activeAgreement(gw, agreementTerms({ dataCategories: ['IDENTITY', 'RISK_SUMMARY', 'ROSH', 'NEEDS'] }));
    await aCase(gw, 'X300001');
    const problems: string[] = [];
    const { ctx, page } = await personIn('police-cleveland', 'iom-officer@police-cleveland', problems);
    const kid = await makeApprovedKey(page, 'police-cleveland');

    await page.goto(`${base}/requests/new?crn=X300001&provider=nps-north-east`, { waitUntil: 'networkidle' });
    expect(await axe(page)).toEqual([]);
    // Sent empty: the error summary names the fields.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('There is a problem').waitFor();
    expect(await page.locator('.govuk-error-summary a[href="#purpose"]').count()).toBe(1);
    expect(await axe(page)).toEqual([]);
    problems.length = 0; // the 400 of that answer was the point
    await page.getByLabel('Integrated Offender Management').check();
    await page.getByLabel('Criminogenic needs').check();
    await page.getByLabel('Why you need it').fill('IOM tasking meeting on Monday');
    await page.getByLabel('Routine').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Check and sign your request' }).waitFor();
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'ask-for-more-check');
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(problems).toEqual([]);
    await page.getByRole('button', { name: 'Sign and send the request' }).click();
    // The requests pages are another part of the service: here, only where the submission leads.
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop();
    const [row] = await gw.sql<{ request_kid: string; crn: string }>(
      `SELECT request_kid, crn FROM exchange_requests WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({ request_kid: kid, crn: 'X300001' });
    await ctx.close();
  });
});
