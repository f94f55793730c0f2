import { chromium, type Browser as Chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo-people.js';
import type { TestGateway } from '../setup/test-app.js';
import { axe } from './axe.js';

/**
 * What the browser tests of the pages for people share: headless Chromium, a person signed in
 * through the demo identity provider's login form in a browser of their own, a personal signing
 * key made on the keys page and approved by the organisation's system, and the checks every page
 * gets (axe-core, nothing wider than the window).
 */

/** Debian's chromium (apt-get install -y chromium; .ci/run installs it). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, without the sandbox (CI runs as root), and fetching nothing of its own from outside. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Chromium> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Chromium with a profile folder of its own, kept across its pages (the IG console keeps its
 * session in IndexedDB), in British English; `options` add to or change those.
 */
export function launchPersistentChromium(
  profile: string,
  options: Omit<NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>, 'executablePath' | 'args'> = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: 'en-GB',
    ...options,
  });
}

/**
 * A fresh browser (its own cookies and IndexedDB) at 1280 pixels that records every script error,
 * CSP violation and failed load into `problems`, except responses `expected` says are the point.
 */
export async function freshBrowser(
  chrome: Chromium,
  problems: string[],
  expected: (status: number, url: string) => boolean = () => false,
): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await chrome.newContext({
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    viewport: { width: 1280, height: 900 },
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (m) => {
    // Failed loads are judged by their responses below.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().includes('favicon') && !expected(r.status(), r.url()))
      problems.push(`${r.status()} ${r.url()}`);
  });
  return { ctx, page };
}

/** Signs `username` (a demo person) in from the gateway's sign-in page, through the identity provider's login form. */
export async function signInThroughIdpForm(page: Page, base: string, org: string, username: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.locator(`a[href="/sign-in/${org}"]`).click();
  // The demo identity provider's own form, on its own origin.
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/home`);
}

/** axe-core finds no serious or critical violation, and nothing is wider than the window. */
export async function checkPage(page: Page): Promise<void> {
  expect(await axe(page)).toEqual([]);
  const width = page.viewportSize()?.width ?? 1280;
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

/**
 * Makes a personal signing key on `/signing/keys` (WebCrypto, kept in this browser's IndexedDB),
 * which the organisation's own system then approves through the API; answers its kid.
 */
export async function makeApprovedKey(gw: TestGateway, page: Page, base: string, org: string): Promise<string> {
  await page.goto(`${base}/signing/keys`, { waitUntil: 'networkidle' });
  await checkPage(page);
  await page.getByRole('button', { name: 'Make a signing key in this browser' }).click();
  await page.waitForURL(`${base}/signing/keys?registered=1`);
  await page.getByText('Held in this browser').waitFor();
  const kid = await page.locator('code.app-key-id').first().getAttribute('title');
  expect(kid).toMatch(/^person-/);
  const approved = await gw.call('POST', `/organisations/${org}/person-keys/${kid}/approve`, {
    org: gw.orgs[org],
    roles: ['system'],
    sub: 'system:key-admin',
  });
  expect(approved.status).toBe(200);
  await page.reload({ waitUntil: 'networkidle' });
  expect(await page.getByText('Approved', { exact: true }).count()).toBe(1);
  await checkPage(page);
  return kid!;
}
