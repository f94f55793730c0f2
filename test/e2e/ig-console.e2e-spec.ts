import { AccessLogWriter, type AccessLogEntryInput } from '../../src/modules/access-log/index.js';
import { createApp, type CreatedApp } from '../../src/app.js';
import { JsonLogger } from '../../src/shared/observability/json-logger.js';
import { PURPOSE_WORDS } from '../../src/shared/domain/plain-words.js';
import { PURPOSES } from '../../src/shared/domain/vocabulary.js';
import { aKey } from '../factories/jwk.factory.js';
import { activeAgreement, agreementTerms, signatory } from '../factories/agreement.factory.js';
import { caseBody } from '../factories/case.factory.js';
import request from 'supertest';
import { TestGateway, type TestOrg } from '../setup/test-app.js';

const CONSOLE = { 'x-ig-console': '1' };

/** Signs in to the console with a signed request token; returns the Cookie header value. */
async function signIn(gw: TestGateway, org: TestOrg, sub = `user:ig-${org.id}`): Promise<string> {
  const res = await gw.call('POST', '/ig/session', { org, roles: ['ig-reviewer'], sub });
  if (res.status !== 201) throw new Error(`sign-in: ${res.status} ${res.text}`);
  return (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
}

function read(
  over: Partial<AccessLogEntryInput> & { actorOrg: string; sub: string; crn: string; ownerOrg: string },
): AccessLogEntryInput {
  const { actorOrg, sub, ...rest } = over;
  return {
    actor: { org: actorOrg, sub, roles: ['offender-manager'] },
    action: 'case.summary',
    resource: { type: 'case', id: over.crn },
    purpose: 'RISK_MANAGEMENT',
    reason: 'supervision appointment',
    decision: 'ALLOW',
    reasons: ['rule:test'],
    fieldsReleased: ['tier', 'rosh'],
    fieldsWithheld: ['needs'],
    recipientOrg: actorOrg,
    requestId: `req-${Math.random().toString(36).slice(2)}`,
    ...rest,
  };
}

describe('IG console (/ig)', () => {
  let gw: TestGateway;
  let writer: AccessLogWriter;
  const idx: Record<string, number> = {};

  beforeAll(async () => {
    gw = await TestGateway.start();
    writer = gw.app.get(AccessLogWriter);
    // A police read of NPS data, a CRC reading its own case, and a CRC break-glass read of an NPS case.
    idx.policeReadsNps = (
      await writer.append(
        read({ actorOrg: 'police-cleveland', sub: 'user:pc-1', crn: 'A000001', ownerOrg: 'nps-north-east' }),
      )
    ).index;
    idx.crcOwn = (
      await writer.append(
        read({ actorOrg: 'crc-northumbria', sub: 'user:om-1', crn: 'B000002', ownerOrg: 'crc-northumbria' }),
      )
    ).index;
    idx.breakGlass = (
      await writer.append(
        read({
          actorOrg: 'crc-northumbria',
          sub: 'user:om-1',
          crn: 'A000003',
          ownerOrg: 'nps-north-east',
          breakGlass: true,
          reasons: ['rule:emergency.break-glass'],
        }),
      )
    ).index;
  });
  afterAll(() => gw.close());

  describe('pages', () => {
    it('serves the page and its assets with a CSP allowing only the gateway itself', async () => {
      const page = await gw.http.get('/ig');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.headers['content-security-policy']).not.toMatch(/unsafe|\*/);
      expect(page.text).toMatch(/<h1 class="govuk-heading-l">Information governance console<\/h1>/);
      // The shared frame of the pages for people: GOV.UK Frontend's stylesheet and the service's header.
      expect(page.text).toContain('href="/assets/govuk/govuk-frontend.min.css"');
      expect(page.text).toContain('govuk-service-navigation');
      expect(page.text).toContain('src="/ig/assets/console.js"');
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      // The log search offers every purpose, in the words the other pages use.
      for (const purpose of PURPOSES)
        expect(page.text).toContain(`<option value="${purpose}">${PURPOSE_WORDS[purpose].text}</option>`);
      const js = await gw.http.get('/ig/assets/verify.js');
      expect(js.status).toBe(200);
      expect(js.headers['content-type']).toMatch(/^text\/javascript/);
      expect((await gw.http.get('/ig/assets/..%2Fig-console.module.ts')).status).toBe(404);
      expect((await gw.http.get('/ig/assets/index.html')).status).toBe(404);
      expect(js.headers['cache-control']).toBe('no-cache');
      expect(js.headers['content-security-policy']).toBe(page.headers['content-security-policy']);
      for (const path of ['/ig/assets/verify.d.ts', '/ig/assets/nothing.js', '/ig/assets/']) {
        const missing = await gw.http.get(path);
        expect([path, missing.status, missing.headers['content-type']]).toEqual([
          path,
          404,
          expect.stringMatching(/^application\/problem\+json/),
        ]);
      }
    });

    it('has no demo sign-in outside demo mode', async () => {
      expect((await gw.http.post('/ig/demo-session').set(CONSOLE).send({ org: 'nps-north-east' })).status).toBe(404);
      expect((await gw.http.get('/ig/demo-identities')).status).toBe(404);
      expect((await gw.http.get('/ig/sign-in-options')).body).toEqual({ demo: false });
    });
  });

  describe('POST /ig/session and the session cookie', () => {
    it('signs in an ig-reviewer with a signed token and sets a strict HttpOnly cookie', async () => {
      const res = await gw.call('POST', '/ig/session', {
        org: gw.orgs['nps-north-east'],
        roles: ['ig-reviewer'],
        sub: 'user:ig-1',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ org: 'nps-north-east', sub: 'user:ig-1', roles: ['ig-reviewer'] });
      const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
      expect(cookie).toMatch(/^ig_session=[A-Za-z0-9_-]{43}; /);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      expect(cookie).toContain('Path=/ig');
      expect(res.headers['cache-control']).toBe('no-store');
      // Only the hash is stored.
      const [row] = await gw.sql<{ n: string }>(`SELECT count(*) AS n FROM ig_sessions WHERE sub = 'user:ig-1'`);
      expect(Number(row.n)).toBe(1);
      const stored = await gw.sql<{ id_hash: Buffer }>(`SELECT id_hash FROM ig_sessions WHERE sub = 'user:ig-1'`);
      expect(stored[0].id_hash.toString('base64url')).not.toBe(cookie.split(';')[0].split('=')[1]);
      const logged = await gw.sql(
        `SELECT 1 FROM access_log_entries WHERE action = 'ig.session.start' AND actor_sub = 'user:ig-1'`,
      );
      expect(logged).toHaveLength(1);
    });

    it('refuses a sign-in without a token (401) or without the ig-reviewer role (403)', async () => {
      expect((await gw.http.post('/ig/session')).status).toBe(401);
      expect(
        (await gw.call('POST', '/ig/session', { org: gw.orgs['nps-north-east'], roles: ['offender-manager'] })).status,
      ).toBe(403);
    });

    it('authenticates console API calls by the cookie only', async () => {
      expect((await gw.http.get('/ig/api/session')).status).toBe(401);
      expect((await gw.http.get('/ig/api/entries')).status).toBe(401);
      const forged = 'ig_session=' + 'A'.repeat(43);
      expect((await gw.http.get('/ig/api/session').set('cookie', forged)).status).toBe(401);
      const cookie = await signIn(gw, gw.orgs['police-durham']);
      const me = await gw.http.get('/ig/api/session').set('cookie', cookie);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ org: 'police-durham', sub: 'user:ig-police-durham' });
      expect(me.headers['cache-control']).toBe('no-store');
      // A signed token is no substitute for the session on console routes.
      const token = await gw.token('GET', '/ig/api/session', { org: gw.orgs['police-durham'], roles: ['ig-reviewer'] });
      expect((await gw.http.get('/ig/api/session').set('authorization', `Bearer ${token}`)).status).toBe(401);
    });

    it('requires the X-IG-Console header on state-changing calls, and signs out', async () => {
      const cookie = await signIn(gw, gw.orgs['crc-northumbria']);
      const noHeader = await gw.http.delete('/ig/api/session').set('cookie', cookie);
      expect(noHeader.status).toBe(403);
      expect(noHeader.body.type).toContain('ig_console_header_missing');
      expect((await gw.http.get('/ig/api/session').set('cookie', cookie)).status).toBe(200);
      const out = await gw.http.delete('/ig/api/session').set('cookie', cookie).set(CONSOLE);
      expect(out.status).toBe(204);
      expect((out.headers['set-cookie'] as unknown as string[])[0]).toContain('Max-Age=0');
      expect((await gw.http.get('/ig/api/session').set('cookie', cookie)).status).toBe(401);
    });

    it('ends a session idle for more than 30 minutes', async () => {
      const cookie = await signIn(gw, gw.orgs['police-cleveland'], 'user:idle');
      await gw.sql(`UPDATE ig_sessions SET last_seen_at = now() - interval '31 minutes' WHERE sub = 'user:idle'`);
      expect((await gw.http.get('/ig/api/session').set('cookie', cookie)).status).toBe(401);
    });

    it('sweeps sessions left idle for more than 30 minutes, not only those past their 8 hours', async () => {
      await signIn(gw, gw.orgs['police-cleveland'], 'user:idle-abandoned');
      await gw.sql(
        `UPDATE ig_sessions SET last_seen_at = now() - interval '31 minutes' WHERE sub = 'user:idle-abandoned'`,
      );
      await signIn(gw, gw.orgs['police-cleveland'], 'user:ig-next'); // a sign-in sweeps
      expect(await gw.sql(`SELECT 1 FROM ig_sessions WHERE sub = 'user:idle-abandoned'`)).toEqual([]);
    });
  });

  describe('scoping', () => {
    it('shows a reviewer only entries by its staff or about its data, and logs each read', async () => {
      const nps = await signIn(gw, gw.orgs['nps-north-east'], 'user:ig-nps');
      const res = await gw.http.get('/ig/api/entries?limit=200').set('cookie', nps);
      expect(res.status).toBe(200);
      const seen = res.body.entries.map((e: { index: number }) => e.index);
      expect(seen).toEqual(expect.arrayContaining([idx.policeReadsNps, idx.breakGlass]));
      expect(seen).not.toContain(idx.crcOwn);
      const search = await gw.sql(
        `SELECT 1 FROM access_log_entries WHERE action = 'access-log.search' AND actor_sub = 'user:ig-nps'`,
      );
      expect(search.length).toBeGreaterThanOrEqual(1);

      expect((await gw.http.get(`/ig/api/entries/${idx.crcOwn}`).set('cookie', nps)).status).toBe(404);
      const detail = await gw.http.get(`/ig/api/entries/${idx.breakGlass}`).set('cookie', nps);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({
        index: idx.breakGlass,
        breakGlass: true,
        ownerOrg: 'nps-north-east',
        fieldsWithheld: ['needs'],
      });

      const report = await gw.http.get('/ig/api/subjects/B000002/report').set('cookie', nps);
      expect(report.status).toBe(200);
      expect(report.body.accesses).toEqual([]);
    });

    it('shows another organisation nothing of those entries', async () => {
      const durham = await signIn(gw, gw.orgs['police-durham'], 'user:ig-durham');
      const res = await gw.http.get('/ig/api/entries?limit=200').set('cookie', durham);
      const seen = res.body.entries.map((e: { index: number }) => e.index);
      expect(seen).not.toEqual(expect.arrayContaining([idx.policeReadsNps]));
      for (const i of Object.values(idx)) expect(seen).not.toContain(i);
      expect((await gw.http.get(`/ig/api/entries/${idx.policeReadsNps}`).set('cookie', durham)).status).toBe(404);
      const report = await gw.http.get('/ig/api/subjects/A000001/report').set('cookie', durham);
      expect(report.body.accesses).toEqual([]);
    });

    it('shows the operator everything', async () => {
      const op = await signIn(gw, gw.orgs.gateway, 'user:ig-operator');
      const seen = (await gw.http.get('/ig/api/entries?limit=200').set('cookie', op)).body.entries.map(
        (e: { index: number }) => e.index,
      );
      expect(seen).toEqual(expect.arrayContaining(Object.values(idx)));
    });

    it('refuses bad filters with 400 naming the field', async () => {
      const cookie = await signIn(gw, gw.orgs['nps-north-east']);
      const res = await gw.http.get('/ig/api/entries?crn=nope&limit=1000').set('cookie', cookie);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['crn', 'limit']);
      expect((await gw.http.get('/ig/api/flags?from=2025-13-45T00:00:00Z').set('cookie', cookie)).status).toBe(400);
      // A day the month does not have is refused, not rolled over into March.
      const feb30 = await gw.http
        .get('/ig/api/flags?from=2025-02-30T00:00:00Z&to=2025-03-05T00:00:00Z')
        .set('cookie', cookie);
      expect(feb30.status).toBe(400);
      expect(feb30.headers['content-type']).toContain('application/problem+json');
      expect(feb30.body.errors.map((e: { field: string }) => e.field)).toEqual(['from']);
      const reversed = await gw.http
        .get('/ig/api/flags?from=2025-03-05T00:00:00Z&to=2025-03-01T00:00:00Z')
        .set('cookie', cookie);
      expect(reversed.status).toBe(400);
      expect(reversed.headers['content-type']).toContain('application/problem+json');
      expect(reversed.body.errors).toEqual([
        expect.objectContaining({ field: 'from', message: 'from must not be after to' }),
      ]);
      expect((await gw.http.get('/ig/api/entries/abc').set('cookie', cookie)).status).toBe(400);
    });
  });

  describe('subject access report', () => {
    it('lists every access to the person within scope, as JSON and CSV', async () => {
      const nps = await signIn(gw, gw.orgs['nps-north-east']);
      const res = await gw.http.get('/ig/api/subjects/A000001/report').set('cookie', nps);
      expect(res.status).toBe(200);
      expect(res.body.accesses).toEqual([
        expect.objectContaining({
          index: idx.policeReadsNps,
          org: 'police-cleveland',
          actor: 'user:pc-1',
          purpose: 'RISK_MANAGEMENT',
          reason: 'supervision appointment',
          decision: 'ALLOW',
          fieldsReleased: ['tier', 'rosh'],
        }),
      ]);
      const csv = await gw.http.get('/ig/api/subjects/A000001/report.csv').set('cookie', nps);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toContain('access-report-A000001.csv');
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toMatch(/^index,timestamp,organisation,actor/);
      // The police read, plus the reviewer's own earlier report read (the log records those too).
      expect(lines.filter((l) => l.includes(',police-cleveland,user:pc-1,'))).toHaveLength(1);
      expect(lines.slice(1).every((l) => /^\d+,/.test(l))).toBe(true);
    });
  });

  describe('misuse flags', () => {
    it("flags a break-glass read for the IG of the case's managing organisation, not for others", async () => {
      const nps = await signIn(gw, gw.orgs['nps-north-east']);
      const flags = (await gw.http.get('/ig/api/flags').set('cookie', nps)).body.flags as {
        kind: string;
        evidence: number[];
      }[];
      expect(flags).toContainEqual(expect.objectContaining({ kind: 'BREAK_GLASS', evidence: [idx.breakGlass] }));
      const durham = await signIn(gw, gw.orgs['police-durham']);
      const theirs = (await gw.http.get('/ig/api/flags').set('cookie', durham)).body.flags as { kind: string }[];
      expect(theirs.filter((f) => f.kind === 'BREAK_GLASS')).toEqual([]);
    });

    it("flags a real break-glass read through the cases API for the managing organisation's IG", async () => {
      await activeAgreement(
        gw,
        agreementTerms({
          title: 'North East emergency sharing',
          parties: [
            { org: 'nps-north-east', role: 'PROVIDER' },
            { org: 'crc-northumbria', role: 'RECIPIENT' },
          ],
          purposes: ['RISK_MANAGEMENT'],
          dataCategories: ['IDENTITY', 'RISK_SUMMARY', 'ROSH', 'RISK_MANAGEMENT_PLAN', 'LICENCE_CONDITIONS', 'MAPPA'],
        }),
      );
      const put = await gw.call(
        'PUT',
        '/cases/Z765432',
        { org: gw.orgs['nps-north-east'], roles: ['system'], sub: 'system:nps-cms', reason: 'case sync' },
        caseBody('nps-north-east'),
      );
      expect(put.status).toBeLessThan(300);
      const om = {
        org: gw.orgs['crc-northumbria'],
        roles: ['offender-manager'],
        sub: 'user:om-emergency',
        breakGlass: true,
        reason: 'Threat to a child reported out of hours',
      };
      const res = await gw.call('GET', '/cases/Z765432?purpose=RISK_MANAGEMENT', om);
      expect(res.status).toBe(200);
      const [row] = await gw.sql<{ idx: string }>(
        `SELECT idx FROM access_log_entries WHERE crn = 'Z765432' AND actor_sub = 'user:om-emergency'`,
      );
      const index = Number(row.idx);

      const nps = await signIn(gw, gw.orgs['nps-north-east']);
      const flags = (await gw.http.get('/ig/api/flags').set('cookie', nps)).body.flags as {
        kind: string;
        evidence: number[];
      }[];
      expect(flags).toContainEqual(
        expect.objectContaining({
          kind: 'BREAK_GLASS',
          evidence: [index],
          actor: { org: 'crc-northumbria', sub: 'user:om-emergency' },
        }),
      );
      const entry = await gw.http.get(`/ig/api/entries/${index}`).set('cookie', nps);
      expect(entry.body).toMatchObject({
        breakGlass: true,
        ownerOrg: 'nps-north-east',
        reason: 'Threat to a child reported out of hours',
      });
      const durham = await signIn(gw, gw.orgs['police-durham']);
      expect((await gw.http.get(`/ig/api/entries/${index}`).set('cookie', durham)).status).toBe(404);
    });

    it('flags a read under an agreement after it was suspended', async () => {
      const id = await activeAgreement(gw, agreementTerms());
      const suspended = await gw.call('POST', `/agreements/${id}/suspend`, signatory(gw.orgs['nps-north-east']), {
        reason: 'data breach under investigation',
      });
      expect(suspended.status).toBeLessThan(300);
      const after = await writer.append(
        read({
          actorOrg: 'police-cleveland',
          sub: 'user:pc-2',
          crn: 'A000009',
          ownerOrg: 'nps-north-east',
          agreement: { id, version: 1 },
        }),
      );
      const nps = await signIn(gw, gw.orgs['nps-north-east']);
      const res = await gw.http.get('/ig/api/flags').set('cookie', nps);
      expect(res.body.flags).toContainEqual(
        expect.objectContaining({
          kind: 'AGREEMENT_SUSPENDED',
          evidence: [after.index],
          actor: { org: 'police-cleveland', sub: 'user:pc-2' },
        }),
      );
      const overview = await gw.http.get('/ig/api/overview').set('cookie', nps);
      expect(overview.status).toBe(200);
      expect(overview.body.agreements.byStatus.SUSPENDED).toBe(1);
      expect(overview.body.overdueExchangeRequests).toEqual([]);
      expect(overview.body.checkpoint).toEqual(
        expect.objectContaining({ treeSize: expect.any(Number), jws: expect.any(String) }),
      );
    });

    it('lists exchange requests past their due date to the organisations involved', async () => {
      const insert = (id: string, requester: string, provider: string, dueBy: string, status: string) =>
        gw.sql(
          `INSERT INTO exchange_requests (id, requester_org, provider_org, crn, purpose, data_categories, justification, urgency, agreement_id, request_jws, request_jti, request_kid, request_alg, request_iat, submitted_by_sub, submitted_by_roles, submitted_at, due_by, status, updated_at)
           VALUES ($1::uuid, $2, $3, 'A000077', 'RECALL', '{RISK_SUMMARY}', 'recall', 'URGENT', gen_random_uuid(), 'x.y.z', $1::text, 'k1', 'ES256', now(), 'user:x', '{system}', now() - interval '2 days', $4, $5, now())`,
          [id, requester, provider, dueBy, status],
        );
      await insert(
        '00000000-0000-4000-8000-000000000001',
        'police-cleveland',
        'nps-north-east',
        new Date(Date.now() - 3_600_000).toISOString(),
        'SUBMITTED',
      );
      await insert(
        '00000000-0000-4000-8000-000000000002',
        'police-cleveland',
        'nps-north-east',
        new Date(Date.now() + 3_600_000).toISOString(),
        'SUBMITTED',
      );
      await insert(
        '00000000-0000-4000-8000-000000000003',
        'police-durham',
        'crc-northumbria',
        new Date(Date.now() - 3_600_000).toISOString(),
        'SUBMITTED',
      );
      const nps = await signIn(gw, gw.orgs['nps-north-east']);
      const overdue = (await gw.http.get('/ig/api/overview').set('cookie', nps)).body.overdueExchangeRequests;
      expect(overdue).toEqual([
        expect.objectContaining({
          id: '00000000-0000-4000-8000-000000000001',
          requester: 'police-cleveland',
          provider: 'nps-north-east',
          urgency: 'URGENT',
        }),
      ]);
    });

    it("shows the webhook delivery status of the reviewer's organisation only (all to the operator)", async () => {
      const subscription = (id: string, org: string) =>
        gw.sql(
          `INSERT INTO event_subscriptions (id, org, url, types, scheme, secret, cursor, created_by)
           VALUES ($1, $2, 'https://receiver.partner.example/hook', '{agreement.amended}', 'v1a', NULL,
                   (SELECT coalesce(max(seq), 0) FROM event_outbox), 'system:test')`,
          [id, org],
        );
      await subscription('00000000-0000-4000-8000-0000000000a1', 'nps-north-east');
      await subscription('00000000-0000-4000-8000-0000000000a2', 'police-durham');
      const events = await gw.sql<{ seq: string }>(
        `INSERT INTO event_outbox (id, type, subject, parties, link)
         SELECT gen_random_uuid(), 'agreement.amended', 'a-' || n, '{nps-north-east,police-durham}', '/agreements/a-' || n
           FROM generate_series(1, 2) n RETURNING seq::text`,
      );
      await gw.sql(
        `INSERT INTO event_dead_letters (subscription_id, seq, attempts, last_error) VALUES ($1, $2, 12, 'HTTP 500')`,
        ['00000000-0000-4000-8000-0000000000a1', events[0].seq],
      );
      const nps = await signIn(gw, gw.orgs['nps-north-east']);
      const mine = (await gw.http.get('/ig/api/overview').set('cookie', nps)).body.webhookDelivery;
      expect(mine).toEqual([
        expect.objectContaining({
          id: '00000000-0000-4000-8000-0000000000a1',
          org: 'nps-north-east',
          types: ['agreement.amended'],
          backlog: 2,
          deadLetters: 1,
          oldestUndeliveredSeconds: expect.any(Number),
          failedAttempts: expect.any(Number),
        }),
      ]);
      const op = await signIn(gw, gw.orgs.gateway, 'user:ig-operator');
      const all = (await gw.http.get('/ig/api/overview').set('cookie', op)).body.webhookDelivery as { id: string }[];
      expect(all.map((x) => x.id)).toEqual(
        expect.arrayContaining(['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2']),
      );
    });

    it('records a review with a note, logged, only with the console header', async () => {
      const nps = await signIn(gw, gw.orgs['nps-north-east'], 'user:ig-reviewer-2');
      const flagId = `break_glass:${idx.breakGlass}`;
      expect((await gw.http.post('/ig/api/flags/reviews').set('cookie', nps).send({ flagId, note: 'x' })).status).toBe(
        403,
      );
      expect(
        (await gw.http.post('/ig/api/flags/reviews').set('cookie', nps).set(CONSOLE).send({ flagId, note: '' })).status,
      ).toBe(400);
      const res = await gw.http
        .post('/ig/api/flags/reviews')
        .set('cookie', nps)
        .set(CONSOLE)
        .send({ flagId, note: 'Emergency recall; confirmed with the OM manager.' });
      expect(res.status).toBe(201);
      const flags = (await gw.http.get('/ig/api/flags').set('cookie', nps)).body.flags as {
        id: string;
        review: { note: string; reviewerSub: string } | null;
      }[];
      expect(flags.find((f) => f.id === flagId)?.review).toMatchObject({
        note: 'Emergency recall; confirmed with the OM manager.',
        reviewerSub: 'user:ig-reviewer-2',
      });
      const logged = await gw.sql(
        `SELECT 1 FROM access_log_entries WHERE action = 'ig.flag.review' AND actor_sub = 'user:ig-reviewer-2'`,
      );
      expect(logged).toHaveLength(1);
    });

    it("reviews only a flag the reviewer's own view raises: any other id is 404, with no row and no log entry", async () => {
      const police = await signIn(gw, gw.orgs['police-cleveland'], 'user:ig-police-3');
      const nps = await signIn(gw, gw.orgs['nps-north-east'], 'user:ig-nps-3');
      const review = (cookie: string, flagId: string) =>
        gw.http
          .post('/ig/api/flags/reviews')
          .set('cookie', cookie)
          .set(CONSOLE)
          .send({ flagId, note: 'Looked into it.' });
      const reviewsBefore = await gw.sql('SELECT count(*)::int AS n FROM ig_flag_reviews');
      const attempts = [
        [police, `break_glass:${idx.breakGlass}`], // NPS's flag: police cannot see the entry
        [nps, `break_glass:${idx.policeReadsNps}`], // an entry NPS sees, but no break-glass flag
        [nps, 'break_glass:99999999'], // no such entry
        [nps, `bulk_access:crc-northumbria:user:om-1:${idx.breakGlass}`], // a kind of flag the entry does not raise
      ] as const;
      for (const [cookie, flagId] of attempts) {
        const res = await review(cookie, flagId);
        expect({ flagId, status: res.status, type: res.headers['content-type'] }).toEqual({
          flagId,
          status: 404,
          type: expect.stringMatching(/^application\/problem\+json/),
        });
      }
      expect(await gw.sql('SELECT count(*)::int AS n FROM ig_flag_reviews')).toEqual(reviewsBefore);
      expect(
        await gw.sql(
          `SELECT 1 FROM access_log_entries WHERE action = 'ig.flag.review' AND actor_sub IN ('user:ig-police-3', 'user:ig-nps-3')`,
        ),
      ).toEqual([]);
      expect((await review(nps, `break_glass:${idx.breakGlass}`)).status).toBe(201);
    });
  });
});

/**
 * A console session lasts only as long as what opened it: the key that signed its sign-in and
 * its organisation's ACTIVE status. Checked on a second instance of the gateway on the same
 * database, to show the state lives in PostgreSQL, not in the instance that made the change.
 */
describe('IG console sessions end with what opened them', () => {
  let gw: TestGateway;
  let other: CreatedApp;
  const admin = () => ({ org: gw.orgs.gateway, roles: ['gateway-admin'], sub: 'user:operator-1' });
  const me = (app: CreatedApp['app'], cookie: string) =>
    request(app.getHttpServer()).get('/ig/api/session').set('cookie', cookie);

  beforeAll(async () => {
    // A slow refill and a small burst, so the console's share of an organisation's limit shows.
    gw = await TestGateway.start({ env: { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '30' } });
    other = await createApp(gw.config, { databaseUrl: gw.db.appUrl, logger: new JsonLogger('error', () => undefined) });
  });
  afterAll(async () => {
    await other?.close();
    await gw?.close();
  });

  it('ends when the key that signed the sign-in is rotated away, on every instance, and not when another key changes', async () => {
    const org = gw.orgs['police-durham'];
    const cookie = await signIn(gw, org, 'user:ig-durham-1');
    expect((await me(other.app, cookie)).status).toBe(200);

    // Adding a key keeps the signing key active: the session goes on.
    const extra = await aKey('police-durham-k2');
    expect(
      (
        await gw.call('PUT', '/organisations/police-durham/keys', admin(), {
          keys: [org.key.publicJwk, extra.publicJwk],
        })
      ).status,
    ).toBe(200);
    expect((await me(other.app, cookie)).status).toBe(200);

    // Rotating the signing key away ends it, here and on the other instance.
    expect(
      (await gw.call('PUT', '/organisations/police-durham/keys', admin(), { keys: [extra.publicJwk] })).status,
    ).toBe(200);
    const after = await me(other.app, cookie);
    expect(after.status).toBe(401);
    expect(after.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await me(gw.app, cookie)).status).toBe(401);
    expect(await gw.sql(`SELECT 1 FROM ig_sessions WHERE sub = 'user:ig-durham-1'`)).toEqual([]);
  });

  it('ends when the organisation is no longer ACTIVE', async () => {
    const cookie = await signIn(gw, gw.orgs['crc-northumbria'], 'user:ig-northumbria-1');
    expect((await me(other.app, cookie)).status).toBe(200);
    // No route suspends an organisation; its status column is what the key look-up honours too.
    await gw.sql(`UPDATE organisations SET status = 'SUSPENDED' WHERE id = 'crc-northumbria'`);
    try {
      expect((await me(other.app, cookie)).status).toBe(401);
    } finally {
      await gw.sql(`UPDATE organisations SET status = 'ACTIVE' WHERE id = 'crc-northumbria'`);
    }
    expect((await me(gw.app, cookie)).status).toBe(401);
  });

  it('DELETE /organisations/{id}/ig-sessions: the operator ends every session of an organisation, logged', async () => {
    const crc = gw.orgs['crc-durham-tees-valley'];
    const a = await signIn(gw, crc, 'user:ig-dtv-1');
    const b = await signIn(gw, crc, 'user:ig-dtv-2');
    const nps = await signIn(gw, gw.orgs['nps-north-east'], 'user:ig-nps-9');

    expect(
      (
        await gw.call('DELETE', '/organisations/crc-durham-tees-valley/ig-sessions', {
          org: crc,
          roles: ['system', 'ig-reviewer'],
        })
      ).status,
    ).toBe(403);
    const unknown = await gw.call('DELETE', '/organisations/no-such-org/ig-sessions', admin());
    expect(unknown.status).toBe(404);

    const res = await gw.call('DELETE', '/organisations/crc-durham-tees-valley/ig-sessions', admin());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ org: 'crc-durham-tees-valley', ended: 2 });
    expect((await me(other.app, a)).status).toBe(401);
    expect((await me(gw.app, b)).status).toBe(401);
    expect((await me(other.app, nps)).status).toBe(200);
    const logged = await gw.sql<{ e: AccessLogEntryInput }>(
      `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries WHERE action = 'ig.session.end-all'`,
    );
    expect(logged.map((r) => [r.e.actor.org, r.e.resource, r.e.reasons])).toEqual([
      ['gateway', { type: 'ig-sessions', id: 'crc-durham-tees-valley' }, ['ended:2']],
    ]);

    const doc = await gw.http.get('/docs-json');
    expect(doc.body.paths['/organisations/{id}/ig-sessions']?.delete).toBeDefined();
  });

  it('rate-limits console calls per organisation, from the same bucket as its API calls', async () => {
    const org = gw.orgs['nps-north-east'];
    const cookie = await signIn(gw, org, 'user:ig-nps-flood');
    const statuses: number[] = [];
    for (let i = 0; i < 80; i++) statuses.push((await me(gw.app, cookie)).status);
    // The burst is 30 and the refill one a second: 80 calls in a row cannot all be served.
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(statuses).toContain(429);
    const limited = await me(gw.app, cookie);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    // The organisation's signed API calls draw on the same bucket...
    expect((await gw.call('GET', '/organisations', { org, roles: ['system'] })).status).toBe(429);
    // ...and another organisation's console is unaffected.
    const police = await signIn(gw, gw.orgs['police-cleveland'], 'user:ig-pc-9');
    expect((await me(gw.app, police)).status).toBe(200);
  });
});

describe('IG console in demo mode', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await TestGateway.start({ env: { DEMO: 'true' } });
  });
  afterAll(() => gw.close());

  it('offers demo IG identities and signs in as one without a token', async () => {
    expect((await gw.http.get('/ig/sign-in-options')).body).toEqual({ demo: true });
    const ids = await gw.http.get('/ig/demo-identities');
    expect(ids.status).toBe(200);
    expect(ids.body).toContainEqual(
      expect.objectContaining({ org: 'nps-north-east', sub: 'user:demo-ig-nps-north-east' }),
    );
    expect((await gw.http.post('/ig/demo-session').send({ org: 'nps-north-east' })).status).toBe(403);
    expect((await gw.http.post('/ig/demo-session').set(CONSOLE).send({ org: 'no-such-org' })).status).toBe(404);
    expect((await gw.http.post('/ig/demo-session').set(CONSOLE).send({ org: 'Not An Id' })).status).toBe(400);
    const res = await gw.http.post('/ig/demo-session').set(CONSOLE).send({ org: 'nps-north-east' });
    expect(res.status).toBe(200);
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const me = await gw.http.get('/ig/api/session').set('cookie', cookie);
    expect(me.body).toMatchObject({
      org: 'nps-north-east',
      sub: 'user:demo-ig-nps-north-east',
      roles: ['ig-reviewer'],
    });
  });
});
