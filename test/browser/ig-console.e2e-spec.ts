import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchPersistentChromium } from '../support/browser.js';
import { AccessLogWriter, LogPruner } from '../../src/modules/access-log/index.js';
import { Ed25519Cosigner, Ed25519NoteSigner, newEd25519Seed } from '../../src/modules/access-log/domain/note/index.js';
import type { RunningWitness } from '../../src/witness/start.js';
import { axe } from '../support/axe.js';
import { startTestWitnesses } from '../support/test-witnesses.js';
import { activeAgreement, agreementTerms, daysFromNow, signatory } from '../factories/agreement.factory.js';
import { TestGateway } from '../setup/test-app.js';

/** Set (to a folder) to refresh the README's screenshots: `npm run screenshots`. */
const SCREENSHOTS = process.env.IG_SCREENSHOTS;

let profile: string;
let context: BrowserContext;

beforeAll(async () => {
  profile = mkdtempSync(path.join(os.tmpdir(), 'ig-chromium-'));
  context = await launchPersistentChromium(profile, {
    timezoneId: 'Europe/London',
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** A page that records every script error and CSP violation into `problems`. */
async function newPage(problems: string[]): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return page;
}

/** Starts a gateway listening on a real loopback port; returns it and its base URL. */
async function listening(gw: TestGateway): Promise<string> {
  await gw.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
}

describe('IG console in a browser (headless Chromium)', () => {
  let gw: TestGateway;
  let base: string;
  let page: Page;
  const problems: string[] = [];
  let policeRead: number;

  beforeAll(async () => {
    gw = await TestGateway.start();
    const writer = gw.app.get(AccessLogWriter);
    const entry = (over: Record<string, unknown>) => ({
      actor: { org: 'police-cleveland', sub: 'user:pc-7', roles: ['iom-officer'] },
      action: 'case.summary',
      resource: { type: 'case', id: 'A123456' },
      crn: 'A123456',
      purpose: 'IOM',
      reason: 'IOM panel preparation',
      decision: 'ALLOW' as const,
      reasons: ['rule:police.iom.summary', 'agreement:demo@v1'],
      fieldsReleased: ['tier', 'rosh.overall', 'licenceConditions'],
      fieldsWithheld: ['needs', 'riskManagementPlan'],
      recipientOrg: 'police-cleveland',
      ownerOrg: 'nps-north-east',
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      ...over,
    });
    policeRead = (await writer.append(entry({}))).index;
    await writer.append(
      entry({
        crn: 'A654321',
        resource: { type: 'case', id: 'A654321' },
        decision: 'DENY',
        reasons: ['no agreement covers RECALL'],
        purpose: 'RECALL',
        fieldsReleased: [],
        fieldsWithheld: [],
      }),
    );
    await writer.append(
      entry({
        actor: { org: 'crc-northumbria', sub: 'user:om-3', roles: ['offender-manager'] },
        recipientOrg: 'crc-northumbria',
        breakGlass: true,
        purpose: 'RISK_MANAGEMENT',
        reason: 'Out-of-hours risk escalation',
      }),
    );

    // Agreements for the overview: one in force (with its DPIA), one suspended, one past its review date.
    await activeAgreement(gw, agreementTerms({ dpiaReference: 'DPIA-2026-014', reviewIntervalMonths: 12 }));
    const suspended = await activeAgreement(
      gw,
      agreementTerms({ title: 'Durham MAPPA agreement', purposes: ['MAPPA'] }),
    );
    await gw.call('POST', `/agreements/${suspended}/suspend`, signatory(gw.orgs['nps-north-east']), {
      reason: 'annual audit finding',
    });
    await activeAgreement(
      gw,
      agreementTerms({
        title: 'Cleveland recall agreement',
        purposes: ['RECALL'],
        reviewBy: daysFromNow(-10),
        validFrom: daysFromNow(-30),
      }),
    );

    base = await listening(gw);
    page = await newPage(problems);
  });

  afterAll(async () => {
    await page?.close();
    await gw?.close();
  });

  /** Signs in on the sign-in page shown, as NPS North East's IG reviewer user:ig-browser. */
  const signIn = async () => {
    const token = await gw.token('POST', '/ig/session', {
      org: gw.orgs['nps-north-east'],
      roles: ['ig-reviewer'],
      sub: 'user:ig-browser',
    });
    await page.getByLabel('Request token').fill(token);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Log review' }).waitFor();
    await page.getByText('Signed in as user:ig-browser (nps-north-east)').waitFor();
  };

  const shot = async (name: string) => {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };

  it('signs in with a pasted token, searches, opens and verifies an entry, and shows a subject access report', async () => {
    await page.goto(`${base}/ig`);
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await shot('sign-in');
    // No token, then a token that is not one: each named in a GOV.UK error summary linked to the field, and at the field.
    const summary = page.locator('#signin-error');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await summary.getByRole('link', { name: 'Request token: Enter a request token' }).waitFor();
    expect(await page.locator('#token-error').textContent()).toBe('Error: Enter a request token');
    expect(await page.locator('#token').getAttribute('aria-describedby')).toBe('token-hint token-error');
    expect(await axe(page)).toEqual([]);
    await page.getByLabel('Request token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await summary.getByRole('link', { name: /^Request token: Sign-in failed: / }).waitFor();
    await summary.getByRole('link').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    // A 401 for the not-yet-signed-in session check (and the refused token) is expected; only later errors count.
    problems.length = 0;

    await signIn();

    await page.getByLabel('CRN', { exact: true }).fill('A123456');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: 'entries shown' }).waitFor();
    const rows = page.locator('#log-table tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain('break-glass');
    await shot('log-review');

    await page.getByRole('link', { name: String(policeRead), exact: true }).click();
    await page.getByRole('heading', { name: `Entry ${policeRead}` }).waitFor();
    // The heading changes at once; the detail arrives with the fetch.
    // Field names in plain words, not the policies' paths.
    await page.locator('#entry-detail').getByText('Criminogenic needs, Risk management plan').waitFor();
    await page.getByRole('button', { name: 'Verify against the signed checkpoint' }).click();
    const outcome = page.locator('#verify-outcome');
    await outcome.waitFor();
    expect(await outcome.textContent()).toMatch(
      new RegExp(`^Verified: entry ${policeRead} is in the signed log of \\d+ entries\\.$`),
    );
    expect(await page.locator('.app-steps li.app-step--ok').count()).toBe(4);
    await shot('entry-verified');

    await page.getByRole('link', { name: 'Subject access report' }).click();
    await page.getByLabel('CRN of the person').fill('A123456');
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.getByRole('heading', { name: 'Accesses to the data of A123456' }).waitFor();
    const report = await page.locator('#report-table tbody').textContent();
    expect(report).toContain('user:pc-7');
    expect(report).toContain('IOM panel preparation');
    expect(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toBe(
      '/ig/api/subjects/A123456/report.csv',
    );
    await shot('subject-access-report');

    expect(problems).toEqual([]);

    // A call that fails outside a form: said in a GOV.UK notification banner (an alert).
    await page.goto(`${base}/ig#/entry/999999`);
    const banner = page.locator('#message.govuk-notification-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await page.locator('#message-text').textContent()).not.toBe('');
    expect(await axe(page)).toEqual([]);
    await page.getByRole('link', { name: 'Log review' }).click();
    await banner.waitFor({ state: 'hidden' });
    problems.length = 0;
  });

  it('records a breach with its ICO clock, reports it, and shows the agreements with their DPIA and review schedule', async () => {
    await page.getByRole('link', { name: 'IG records' }).click();
    await page.getByRole('heading', { name: 'IG records' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'No breaches recorded.' }).waitFor();
    const agreements = page.locator('#agreement-record-table tbody tr');
    await agreements.first().waitFor();
    expect(await page.locator('#agreement-record-table').textContent()).toContain('DPIA-2026-014');
    expect(await agreements.filter({ hasText: 'Cleveland recall agreement' }).textContent()).toContain('none recorded');
    expect(await axe(page)).toEqual([]);

    await page.getByText('Record a breach').click();
    await page.getByLabel('What happened').fill('Risk summary e-mailed to the wrong police force mailbox');
    const discovered = new Date(Date.now() - 70 * 3_600_000);
    const local = new Date(discovered.getTime() - discovered.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Discovered (your local time)').fill(local);
    await page.getByLabel('Severity').selectOption('HIGH');
    await page.getByLabel('CRNs of the people affected').fill('A123456');
    // The organisation picker: a checkbox per partner, by name.
    await page.getByRole('group', { name: 'Partner organisations' }).getByLabel('police-cleveland').check();
    await page.getByRole('button', { name: 'Record the breach' }).click();
    await page.getByRole('heading', { name: /^Breach discovered/ }).waitFor();
    expect(await page.locator('#breach-detail').textContent()).toMatch(/1 h \d+ min left/);
    expect(await axe(page)).toEqual([]);
    await shot('breach');

    await page.getByLabel('Status').selectOption('REPORTED');
    await page.getByLabel('Note (why this change)').fill('Reported to the ICO by telephone');
    await page.getByRole('button', { name: 'Record the change' }).click();
    // A GOV.UK error summary, focused, names the field in the words of its label and links to it;
    // the field itself shows the error.
    const summary = page.locator('#change-form .govuk-error-summary');
    await summary.waitFor();
    expect(await summary.evaluate((e) => e === document.activeElement)).toBe(true);
    const link = summary.getByRole('link', { name: /^Reported to the ICO at: / });
    expect(await link.getAttribute('href')).toBe('#c-reported');
    expect(await page.locator('#c-reported-error').textContent()).toContain('Reported to the ICO at');
    expect(await page.locator('#c-reported').getAttribute('aria-describedby')).toContain('c-reported-error');
    expect(await axe(page)).toEqual([]);
    await link.click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('c-reported');
    await page.getByRole('heading', { name: /^Breach discovered/ }).waitFor();
    await page.getByLabel('Reported to the ICO at (your local time)').fill(local);
    await page.getByLabel('ICO reference').fill('ICO/00123456');
    await page.getByRole('button', { name: 'Record the change' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 2 recorded.' }).waitFor();
    expect(await page.locator('#change-form .govuk-error-summary').count()).toBe(0);
    expect(await page.locator('#breach-history tbody tr').count()).toBe(2);

    await page.getByRole('link', { name: 'IG records' }).click();
    const row = page.locator('#breach-table tbody tr');
    await row.first().waitFor();
    expect(await row.first().textContent()).toContain('Reported to the ICO');
    await shot('ig-records');
    // The one refused change above is the only failed load.
    expect(problems).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    problems.length = 0;
  });

  it('lists misuse flags, records a review, and verifies the checkpoint on the overview', async () => {
    await page.getByRole('link', { name: 'Misuse flags' }).click();
    const flag = page.locator('li.app-flag[data-kind="BREAK_GLASS"]');
    await flag.waitFor();
    expect(await flag.textContent()).toContain('user:om-3 (crc-northumbria)');
    await flag.getByLabel('Review note').fill('Escalation confirmed with the duty manager.');
    await flag.getByRole('button', { name: 'Mark reviewed' }).click();
    await flag.getByText('Reviewed by user:ig-browser').waitFor();
    await shot('misuse-flags');

    // A webhook of the organisation with an event waiting, for the delivery status table.
    await gw.sql(
      `INSERT INTO event_subscriptions (id, org, url, types, scheme, secret, cursor, created_by)
       VALUES (gen_random_uuid(), 'nps-north-east', 'https://receiver.nps.example/hook', '{agreement.amended}', 'v1a', NULL, 0, 'system:test')`,
    );
    await gw.sql(
      `INSERT INTO event_outbox (id, type, subject, parties, link)
       VALUES (gen_random_uuid(), 'agreement.amended', 'a-1', '{nps-north-east}', '/agreements/a-1')`,
    );
    await page.getByRole('link', { name: 'Governance overview' }).click();
    const sig = page.locator('#checkpoint-verify');
    await sig.filter({ hasText: /Signature verified|NOT verified/ }).waitFor();
    expect(await sig.textContent()).toMatch(/^Signature verified in your browser/);
    const webhook = page.locator('#webhook-delivery tbody tr');
    expect(await webhook.count()).toBe(1);
    expect(await webhook.textContent()).toContain(
      'https://receiver.nps.example/hook (agreement.amended)nps-north-east',
    );
    await shot('governance-overview');

    // The retention report: one row per kind of data, and a dry run as at a later time.
    await page.getByRole('link', { name: 'Retention' }).click();
    const kinds = page.locator('#retention-kinds tbody tr');
    await kinds.first().waitFor();
    expect(await kinds.count()).toBe(6);
    expect(await page.locator('#retention-kinds tr[data-kind="case-record"]').textContent()).toContain(
      '2557 days from supervision-end',
    );
    await page.getByLabel('As at (empty: now)').fill('2099-01-01T00:00');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('#retention-kinds caption', { hasText: '2099' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/ig/api/session')).status);
    expect(me).toBe(401);
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  });

  // Last in this gateway: it prunes every entry so far.
  it('shows an entry pruned under the retention schedule as pruned, and still verifies its inclusion', async () => {
    await gw.sql(`UPDATE access_log_retention_floor SET min_age_days = 0`);
    const later = new Date(Date.now() + gw.config.logRetentionDays * 86_400_000);
    expect((await gw.app.get(LogPruner).pruneDue(later)).length).toBeGreaterThan(0);
    problems.length = 0;
    await signIn();

    await page.getByLabel('CRN', { exact: true }).fill('A123456');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: 'No entries match.' }).waitFor();

    await page.goto(`${base}/ig#/entry/${policeRead}`);
    await page
      .locator('#entry-detail')
      .getByText(/^Pruned under the retention schedule on \d+ \w+ \d{4}: /)
      .waitFor();
    expect(await page.locator('#entry-detail').textContent()).not.toContain('A123456');
    await page.getByRole('button', { name: 'Verify against the signed checkpoint' }).click();
    const outcome = page.locator('#verify-outcome');
    await outcome.waitFor();
    expect(await outcome.textContent()).toMatch(
      new RegExp(`^Inclusion verified: entry ${policeRead} \\(pruned, so only its leaf hash is left\\)`),
    );
    expect(problems).toEqual([]);
  });
});

describe('IG console in a browser, demo mode', () => {
  let gw: TestGateway;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    gw = await TestGateway.start({ env: { DEMO: 'true' } });
    page = await newPage(problems);
    await page.goto(`${await listening(gw)}/ig`);
  });

  afterAll(async () => {
    await page?.close();
    await gw?.close();
  });

  it('signs in as a demo IG identity with one click', async () => {
    await page.getByRole('heading', { name: 'Demonstration identities' }).waitFor();
    await page.getByRole('button', { name: /^police-durham \(POLICE\)/ }).click();
    await page.getByText('Signed in as user:demo-ig-police-durham (police-durham)').waitFor();
    await page.getByRole('heading', { name: 'Log review' }).waitFor();
    expect(await page.locator('#demo-identities li').count()).toBe(Object.keys(gw.orgs).length);
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  });
});

describe('IG console in a browser, witnessed checkpoints', () => {
  const origin = 'gw-browser.example/access-log';
  const logKey = new Ed25519NoteSigner(origin, newEd25519Seed());
  let witnesses: RunningWitness[];
  let closeWitnesses: () => Promise<void>;
  let witnessedEntry: number;
  let gw: TestGateway;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const started = await startTestWitnesses(
      ['witness.police-durham.example/w1', 'witness.crc-northumbria.example/w1'],
      logKey.verifierKey,
    );
    witnesses = started.witnesses;
    closeWitnesses = started.close;
    // A third witness that never answers: 2 of 3 is the quorum.
    const down = new Ed25519Cosigner('witness.down.example/w1', newEd25519Seed());
    gw = await TestGateway.start({
      env: {
        DEMO: 'true',
        LOG_ORIGIN: origin,
        LOG_NOTE_KEY: logKey.privateKeyText,
        WITNESSES: JSON.stringify([
          ...witnesses.map((w) => ({ url: w.url, key: w.verifierKey })),
          { url: 'http://127.0.0.1:9', key: down.verifierKey },
        ]),
        WITNESS_QUORUM: '2',
        WITNESS_TIMEOUT_MS: '2000',
      },
    });
    // An entry about NPS data, so the NPS reviewer can open and verify it.
    witnessedEntry = (
      await gw.app.get(AccessLogWriter).append({
        actor: { org: 'police-cleveland', sub: 'user:pc-9', roles: ['iom-officer'] },
        action: 'case.summary',
        resource: { type: 'case', id: 'A123457' },
        crn: 'A123457',
        purpose: 'IOM',
        reason: 'IOM panel',
        decision: 'ALLOW',
        reasons: ['rule:police.iom.summary'],
        fieldsReleased: ['tier'],
        recipientOrg: 'police-cleveland',
        ownerOrg: 'nps-north-east',
        requestId: 'req-witnessed-1',
      })
    ).index;
    expect(
      (await gw.call('POST', '/access-log/checkpoints', { org: gw.orgs.gateway, roles: ['ig-reviewer'] })).status,
    ).toBe(200);
    page = await newPage(problems);
    await page.goto(`${await listening(gw)}/ig`);
  });

  afterAll(async () => {
    await page?.close();
    await gw?.close();
    await closeWitnesses();
  });

  it('shows which witnesses cosigned the latest checkpoint, each Ed25519 cosignature verified in the browser', async () => {
    await page.getByRole('button', { name: /^nps-north-east \(NPS\)/ }).click();
    await page.getByRole('heading', { name: 'Log review' }).waitFor();
    await page.getByRole('link', { name: 'Governance overview' }).click();
    const result = page.locator('#witness-verify');
    await result.filter({ hasText: /cosigned by|NOT verified|No checkpoint/ }).waitFor();
    expect(await result.textContent()).toMatch(
      /^Checkpoint of \d+ entries cosigned by 2 of 3 witnesses \(2 required\); every signature verified in your browser\.$/,
    );
    expect(await result.getAttribute('class')).toBe('govuk-body app-result app-result--ok');
    const rows = await page.locator('#witness-table tbody tr').allTextContents();
    expect(rows).toEqual([
      expect.stringMatching(/^witness\.police-durham\.example\/w1verified, cosigned /),
      expect.stringMatching(/^witness\.crc-northumbria\.example\/w1verified, cosigned /),
      'witness.down.example/w1none on this checkpoint',
    ]);

    // An entry is verified against the witnessed checkpoint too.
    await page.goto(`${page.url().split('#')[0]}#/entry/${witnessedEntry}`);
    await page.getByRole('button', { name: 'Verify against the signed checkpoint' }).click();
    const witnessed = page.locator('#verify-witnessed');
    await witnessed.waitFor();
    expect(await witnessed.textContent()).toMatch(
      new RegExp(
        `^Witnessed: entry ${witnessedEntry} is in the checkpoint of \\d+ entries cosigned by witness\\.police-durham\\.example/w1, witness\\.crc-northumbria\\.example/w1\\.$`,
      ),
    );
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  });
});
