import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchPersistentChromium } from '../support/browser.js';
import { startNodeScript, type StartedProcess } from '../../bench/lib/spawn.js';
import { demoClaimMapping } from '../../src/demo/demo-people.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { IdentityProviders } from '../../src/modules/people/index.js';
import { GatewaySigner } from '../../src/shared/crypto/gateway-signer.js';
import { freePort } from '../setup/polling.js';
import { axe } from '../support/axe.js';
import { TestGateway } from '../setup/test-app.js';

/** Set (to a folder) to refresh the README's screenshots: `npm run screenshots`. */
const SCREENSHOTS = process.env.IG_SCREENSHOTS;

describe('Pages for people in a browser (headless Chromium)', () => {
  let gw: TestGateway;
  let base: string;
  let profile: string;
  let context: BrowserContext;
  let idp: StartedProcess;

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS });
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    // The demo identity provider, as its own process, registered for every demo organisation.
    const idpPort = await freePort();
    idp = await startNodeScript({
      script: path.resolve(import.meta.dirname, '../../dist/src/demo/demo-idp-main.js'),
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: {
        DEMO_IDP_PORT: String(idpPort),
        GATEWAY_ORIGINS: base,
        GATEWAY_JWK: JSON.stringify(gw.app.get(GatewaySigner).publicJwk),
      },
      readyUrl: `http://127.0.0.1:${idpPort}/.well-known/openid-configuration`,
    });
    for (const o of DEMO_ORGANISATIONS)
      await gw.app.get(IdentityProviders).register({
        orgId: o.id,
        issuer: `http://127.0.0.1:${idpPort}`,
        clientId: `gateway-${o.id}`,
        mapping: demoClaimMapping(o.id),
      });
    profile = mkdtempSync(path.join(os.tmpdir(), 'web-chromium-'));
    context = await launchPersistentChromium(profile);
  });
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await idp?.stop();
    await gw?.close();
  });

  /** Opens `url` recording every script error, CSP violation and failed load into `problems`. */
  async function open(url: string, problems: string[], viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.setViewportSize(viewport);
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(base + url, { waitUntil: 'networkidle' });
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  it('the landing page loads every file, runs its script under the CSP, and has no serious accessibility fault', async () => {
    const problems: string[] = [];
    const page = await open('/', problems);
    expect(await page.title()).toBe('Home - Probation information-sharing gateway');
    // init.js ran (a module script, so only with the CSP's consent) and started GOV.UK Frontend.
    await page.waitForFunction(() => document.body.classList.contains('govuk-frontend-supported'));
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    await screenshot(page, 'landing');
    await page.close();
  });

  it('fits a phone: nothing wider than the screen, and the start button still reachable', async () => {
    const problems: string[] = [];
    const page = await open('/', problems, { width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expect(page.getByRole('button', { name: /Sign in/ }).isVisible()).resolves.toBe(true);
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('an officer signs in through the identity provider form, lands on their home page, sees their account, and signs out', async () => {
    const problems: string[] = [];
    const page = await open('/', problems);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/sign-in`);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'people-sign-in');
    await page.locator('a[href="/sign-in/police-cleveland"]').click();
    // At the organisation's identity provider (another origin): its own form.
    await page.getByLabel('Username').fill('iom-officer@police-cleveland');
    await page.getByLabel('Password').fill('demo');
    await screenshot(page, 'people-identity-provider');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/home`);
    expect(await page.locator('a[href="/find-a-person"]').count()).toBe(1);
    expect(await axe(page)).toEqual([]);
    await page.goto(`${base}/account`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('PC Sam Hardy');
    expect(await page.locator('.govuk-summary-list').textContent()).toContain('iom-officer');
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'people-account');
    const cookies = await context.cookies(base);
    expect(cookies.find((c) => c.name === '__Host-gateway-session')).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
      path: '/',
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Signed out here; the page offers signing out at the IdP too, which asks, then sends the
    // browser back to the gateway's landing page.
    await page.getByRole('link', { name: /^Sign out at .* too$/ }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${base}/`);
    await page.goto(`${base}/account`);
    await page.waitForURL(`${base}/sign-in`);
    expect(problems.filter((p) => !p.includes('favicon'))).toEqual([]);
    await page.close();
  });
});
