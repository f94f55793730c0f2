import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { TestGateway } from '../setup/test-app.js';

/** Debian's chromium (apt-get install -y chromium; .ci/run installs it). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Set (to a folder) to refresh the README's screenshots: `npm run screenshots`. */
const SCREENSHOTS = process.env.IG_SCREENSHOTS;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

describe('Pages for people in a browser (headless Chromium)', () => {
  let gw: TestGateway;
  let base: string;
  let profile: string;
  let context: BrowserContext;

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    profile = mkdtempSync(path.join(os.tmpdir(), 'web-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      locale: 'en-GB',
    });
  });
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await gw?.close();
  });

  /** Opens `url` recording every script error, CSP violation and failed load into `problems`. */
  async function open(url: string, problems: string[], viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await context.newPage();
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

  /** Serious and critical WCAG 2.2 A/AA violations axe-core finds (injected over the DevTools protocol, which the CSP does not govern). */
  async function axe(page: Page): Promise<string[]> {
    await page.evaluate(AXE);
    const result = await page.evaluate(() =>
      (globalThis as unknown as { axe: { run(o: unknown): Promise<AxeResult> } }).axe.run({
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      }),
    );
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
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
});
