import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { activeAgreement, agreementTerms } from '../factories/agreement.factory.js';
import { caseBody, assessmentBody } from '../factories/case.factory.js';
import { requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import { eventually } from '../setup/polling.js';
import { TestGateway, type CallOptions } from '../setup/test-app.js';
import { RetentionJob } from '../../src/modules/retention/index.js';

/**
 * POST /cases/{crn}/rectifications, POST /cases/{crn}/erasure, PUT and DELETE
 * /cases/{crn}/restriction, GET /retention/report and the retention job: recipients named by the
 * access log are told (a real HTTP receiver), a restricted case reads like an unknown CRN, and the
 * job, its clock moved past each period, erases exactly what is due.
 */
const DAY = 86_400_000;
const NPS = 'nps-north-east';

interface Delivered {
  path: string;
  id: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

describe('Retention, rectification, erasure and restriction', () => {
  let gw: TestGateway;
  let receiver: http.Server;
  let base: string;
  let agreementId: string;
  const received: Delivered[] = [];
  const subs: string[] = [];

  const sys = (org: string): CallOptions => ({
    org: gw.orgs[org],
    roles: ['system'],
    sub: `system:${org}-cms`,
    reason: 'case sync',
  });
  /** A problem body without what differs per request. */
  const problem = (b: Record<string, unknown>) => ({ ...b, instance: null, requestId: null });
  const dataOwner = (org: string): CallOptions => ({ org: gw.orgs[org], roles: ['data-owner'], sub: 'user:dpo-1' });
  const officer = (org: string): CallOptions => ({
    org: gw.orgs[org],
    roles: ['iom-officer'],
    attrs: { force: org.replace('police-', '') },
    sub: 'user:pc-7',
    reason: 'IOM panel',
  });
  const ig = (org: string): CallOptions => ({ org: gw.orgs[org], roles: ['ig-reviewer'], sub: 'user:ig-1' });
  const rights = (org: string) =>
    received.filter((e) => e.path === `/${org}` && /^case\.(rectified|erased|restricted)$/.test(e.type));

  async function putCase(crn: string, over: Record<string, unknown> = {}) {
    const r = await gw.call('PUT', `/cases/${crn}`, sys(NPS), caseBody(NPS, over));
    expect([200, 201]).toContain(r.status);
  }

  async function assess(crn: string, id: string, completedAt: string) {
    const r = await gw.call('PUT', `/cases/${crn}/assessments/${id}`, sys(NPS), assessmentBody({ completedAt }));
    expect(r.status).toBe(201);
  }

  /** Waits until every subscription has finished with every event in the outbox now. */
  async function drained() {
    const [{ s }] = await gw.sql<{ s: string }>(`SELECT coalesce(max(seq), 0)::text AS s FROM event_outbox`);
    await eventually('subscriptions drained', async () => {
      const rows = await gw.sql<{ c: string }>(
        `SELECT cursor::text AS c FROM event_subscriptions WHERE id = ANY ($1)`,
        [subs],
      );
      return rows.every((r) => BigInt(r.c) >= BigInt(s));
    });
  }

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const e = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<Delivered, 'path'>;
        received.push({ path: req.url ?? '', id: e.id, type: e.type, subject: e.subject, data: e.data });
        res.writeHead(200);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    gw = await TestGateway.start({ env: { WEBHOOK_ALLOW_HOSTS: '127.0.0.1', WEBHOOK_POLL_MS: '50' } });
    agreementId = await activeAgreement(gw, agreementTerms({ retentionDays: 400 }));
    for (const org of ['police-cleveland', 'police-durham', NPS]) {
      const r = await gw.call('POST', '/subscriptions', sys(org), { url: `${base}/${org}`, types: ['*'] });
      expect(r.status).toBe(201);
      subs.push(r.body.id as string);
    }
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
    await new Promise((r) => receiver.close(r));
  });

  describe('rectification, erasure and restriction by the managing organisation', () => {
    const cohort = { iom: { cohort: true, force: 'cleveland' } };

    beforeAll(async () => {
      await putCase('S000001', cohort);
      await putCase('S000002', cohort);
      await assess('S000001', 'oasys-1', new Date(Date.now() - 7 * DAY).toISOString());
      // Cleveland, whose IOM cohort holds both cases, reads their summaries (no identity fields),
      // and the identity of S000002 only; Durham, outside every relationship, is refused and receives nothing.
      for (const crn of ['S000001', 'S000002']) {
        expect((await gw.call('GET', `/cases/${crn}/summary?purpose=IOM`, officer('police-cleveland'))).status).toBe(
          200,
        );
        expect((await gw.call('GET', `/cases/${crn}/summary?purpose=IOM`, officer('police-durham'))).status).toBe(404);
      }
      const identity = await gw.call('GET', '/cases/S000002?purpose=IOM', officer('police-cleveland'));
      expect(identity.body.person.pncId).toBe('2004/0012345A');
    }, 60_000);

    it('refuses bad requests with problem+json 400, and callers without the role with 403', async () => {
      const empty = await gw.call('POST', '/cases/S000001/rectifications', sys(NPS), { reason: 'nothing to say' });
      expect(empty.status).toBe(400);
      expect(empty.headers['content-type']).toMatch(/problem\+json/);
      const before = (await gw.call('GET', '/cases/S000001?purpose=IOM', sys(NPS))).body as { person: unknown };
      expect(before.person).toBeDefined();
      // Nothing named inside person, and a required member emptied: a rectification gives correct values.
      for (const [body, field] of [
        [{ reason: 'nothing to say', person: {} }, 'person'],
        [{ reason: 'typo fix', person: { givenName: null } }, 'person.givenName'],
        [{ reason: 'typo fix', person: { familyName: 'Right', dateOfBirth: null } }, 'person.dateOfBirth'],
        [{ reason: 'typo fix', tier: null }, 'tier'],
        [{ reason: 'typo fix', person: {}, tier: null }, 'tier'],
      ] as const) {
        const res = await gw.call('POST', '/cases/S000001/rectifications', sys(NPS), body);
        expect(res.status).toBe(400);
        expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      }
      expect((await gw.call('GET', '/cases/S000001?purpose=IOM', sys(NPS))).body.person).toEqual(before.person);
      const part = await gw.call('POST', '/cases/S000001/erasure', sys(NPS), {
        reason: 'x'.repeat(5),
        parts: ['rosh'],
      });
      expect(part.status).toBe(400);
      expect(part.body.errors[0].field).toBe('parts');
      // null is not "left out": "parts": null must not read as "erase the whole case".
      for (const [path, method, body, field] of [
        ['/cases/S000001/erasure', 'POST', { reason: 'Recorded in error', parts: null }, 'parts'],
        ['/cases/S000001/erasure', 'POST', { reason: '     ' }, 'reason'],
        ['/cases/S000001/erasure', 'POST', { reason: ' \t ', parts: ['iom'] }, 'reason'],
        ['/cases/S000001/rectifications', 'POST', { reason: '    ', tier: 'B2' }, 'reason'],
        ['/cases/S000001/restriction', 'PUT', { reason: '   ' }, 'reason'],
      ] as const) {
        const res = await gw.call(method, path, sys(NPS), body);
        expect([path, JSON.stringify(body), res.status]).toEqual([path, JSON.stringify(body), 400]);
        expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      }
      const after = await gw.call('GET', '/cases/S000001?purpose=IOM', sys(NPS));
      expect([after.status, after.body.person]).toEqual([200, before.person]);
      const noReason = await gw.call('PUT', '/cases/S000001/restriction', sys(NPS), {});
      expect(noReason.status).toBe(400);
      const om = await gw.call(
        'PUT',
        '/cases/S000001/restriction',
        { org: gw.orgs[NPS], roles: ['offender-manager'] },
        {
          reason: 'contested',
        },
      );
      expect(om.status).toBe(403);
    });

    it('answers any organisation but the manager exactly as for an unknown CRN', async () => {
      const calls = (crn: string) =>
        [
          ['POST', `/cases/${crn}/rectifications`, { reason: 'typo in tier', tier: 'A1' }],
          ['POST', `/cases/${crn}/erasure`, { reason: 'no longer needed' }],
          ['PUT', `/cases/${crn}/restriction`, { reason: 'contested' }],
          ['DELETE', `/cases/${crn}/restriction`, undefined],
        ] as const;
      for (const org of ['police-cleveland', 'crc-northumbria']) {
        const known = calls('S000001');
        const unknown = calls('Z999999');
        for (const [k, [method, path, body]] of known.entries()) {
          const a = await gw.call(method, path, dataOwner(org), body);
          const b = await gw.call(method, unknown[k][1], dataOwner(org), unknown[k][2]);
          expect(a.status).toBe(404);
          expect({ status: b.status, body: problem(b.body) }).toEqual({ status: a.status, body: problem(a.body) });
        }
      }
    });

    it('rectifies, and tells exactly the organisations the log shows received a corrected field', async () => {
      const tier = await gw.call('POST', '/cases/S000001/rectifications', dataOwner(NPS), {
        reason: 'Tier mis-keyed at allocation',
        tier: 'A1',
      });
      expect(tier.status).toBe(200);
      expect(tier.body).toMatchObject({ crn: 'S000001', fields: ['tier'], notified: ['police-cleveland'] });
      // Nobody received the date of birth: corrected, logged, nobody told.
      const dob = await gw.call('POST', '/cases/S000001/rectifications', dataOwner(NPS), {
        reason: 'Date of birth mistyped',
        person: { dateOfBirth: '1985-03-15' },
      });
      expect(dob.body).toMatchObject({ fields: ['person.dateOfBirth'], notified: [] });
      const read = await gw.call('GET', '/cases/S000001?purpose=IOM', sys(NPS));
      expect(read.body).toMatchObject({ tier: 'A1', person: { dateOfBirth: '1985-03-15' } });
      const [entry] = await gw.sql<{ e: { action: string; reasons: string[]; fieldsReleased: string[] } }>(
        `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries WHERE idx = $1`,
        [tier.body.accessLogIndex],
      );
      expect(entry.e.action).toBe('case.rectify');
      expect(entry.e.reasons).toEqual(['managing organisation', 'fields: tier', 'recipient told: police-cleveland']);
      expect(entry.e.fieldsReleased).toEqual([]);
    });

    it('erases parts: recipients of those parts are told, and the rest stays', async () => {
      // The agreement does not name MAPPA: nobody outside the manager received it.
      const mappa = await gw.call('POST', '/cases/S000001/erasure', dataOwner(NPS), {
        reason: 'MAPPA entry made in error',
        parts: ['mappa', 'sensitive'],
      });
      expect(mappa.status).toBe(200);
      expect(mappa.body).toMatchObject({
        fields: ['mappa.category', 'mappa.level', 'sensitive.health', 'sensitive.victims'],
        notified: [],
      });
      const pnc = await gw.call('POST', '/cases/S000002/erasure', dataOwner(NPS), {
        reason: 'PNC ID belongs to someone else',
        parts: ['person.pncId'],
      });
      expect(pnc.body).toMatchObject({ fields: ['person.pncId'], notified: ['police-cleveland'] });
      const read = await gw.call('GET', '/cases/S000002?purpose=IOM', sys(NPS));
      expect(read.body.person.givenName).toBe('Testy');
      expect(read.body.person.pncId ?? null).toBeNull();
      const [c] = await gw.sql<{ mappa: unknown; tier: string }>(`SELECT mappa, tier FROM cases WHERE crn = 'S000001'`);
      expect(c).toEqual({ mappa: null, tier: 'A1' });
      const [a] = await gw.sql<{ sensitive: unknown }>(`SELECT sensitive FROM case_assessments WHERE crn = 'S000001'`);
      expect(a.sensitive).toBeNull();
    });

    it('restricts: told once, then the case reads like an unknown CRN for everyone but its manager, until lifted', async () => {
      const before = await gw.call('GET', '/cases/S000001/summary?purpose=IOM', officer('police-cleveland'));
      expect(before.status).toBe(200);
      const r = await gw.call('PUT', '/cases/S000001/restriction', dataOwner(NPS), { reason: 'Accuracy contested' });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ restricted: true, notified: ['police-cleveland'] });
      const again = await gw.call('PUT', '/cases/S000001/restriction', dataOwner(NPS), {
        reason: 'Accuracy contested',
      });
      expect(again.body).toMatchObject({ restricted: true, notified: [] });
      // A push of the record with restricted: false does not lift a restriction under s.47.
      await putCase('S000001', { ...cohort, tier: 'A1' });
      const seen = await gw.call('GET', '/cases/S000001/summary?purpose=IOM', officer('police-cleveland'));
      const unknown = await gw.call('GET', '/cases/Z999998/summary?purpose=IOM', officer('police-cleveland'));
      expect(seen.status).toBe(404);
      expect(problem(seen.body)).toEqual(problem(unknown.body));
      expect((await gw.call('GET', '/cases/S000001/summary?purpose=IOM', sys(NPS))).status).toBe(200);
      const lifted = await gw.call('DELETE', '/cases/S000001/restriction', dataOwner(NPS));
      expect(lifted.body).toMatchObject({ restricted: false, notified: [] });
      expect((await gw.call('GET', '/cases/S000001/summary?purpose=IOM', officer('police-cleveland'))).status).toBe(
        200,
      );
    });

    it('erases a whole case: gone for everyone, its recipients told, its log entries kept', async () => {
      const r = await gw.call('POST', '/cases/S000002/erasure', dataOwner(NPS), { reason: 'Erasure request upheld' });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ crn: 'S000002', fields: [], notified: ['police-cleveland'] });
      expect((await gw.call('GET', '/cases/S000002?purpose=IOM', sys(NPS))).status).toBe(404);
      expect(await gw.sql(`SELECT 1 FROM cases WHERE crn = 'S000002'`)).toEqual([]);
      expect(await gw.sql(`SELECT 1 FROM case_assessments WHERE crn = 'S000002'`)).toEqual([]);
      const kept = await gw.sql(`SELECT 1 FROM access_log_entries WHERE crn = 'S000002'`);
      expect(kept.length).toBeGreaterThan(2);
      const again = await gw.call('POST', '/cases/S000002/erasure', dataOwner(NPS), {
        reason: 'Erasure request upheld',
      });
      expect(again.status).toBe(404);
    });

    it('never serves the events of an erased case under a new case that reuses its CRN', async () => {
      const before = (await gw.call('GET', '/events?after=0&limit=500', sys('police-cleveland'))).body as {
        events: { data: { crn?: string } }[];
      };
      expect(before.events.filter((e) => e.data.crn === 'S000002')).toEqual([]);
      await putCase('S000002', cohort);
      const [{ created }] = await gw.sql<{ created: Date }>(
        `SELECT created_at AS created FROM cases WHERE crn = 'S000002'`,
      );
      // Every page of the feed, from its start.
      const all: { time: string; data: { crn?: string } }[] = [];
      for (let cursor: string | null = '0'; cursor !== null;) {
        const page = (await gw.call('GET', `/events?after=${cursor}&limit=100`, sys('police-cleveland'))).body as {
          events: { time: string; data: { crn?: string } }[];
          nextCursor: string;
        };
        all.push(...page.events);
        // The cursor stops moving once nothing is left to scan.
        cursor = page.nextCursor === cursor ? null : page.nextCursor;
      }
      const named = all.filter((e) => e.data.crn === 'S000002');
      // The new case's own events only (the erased case had several under this CRN).
      expect(named.length).toBeGreaterThan(0);
      for (const e of named) expect(new Date(e.time).getTime()).toBeGreaterThanOrEqual(created.getTime());
      expect(
        (await gw.sql(`SELECT 1 FROM event_outbox WHERE crn = 'S000002' AND occurred_at < $1`, [created])).length,
      ).toBeGreaterThan(0);
      // Whoever received the erased record is not told of rights exercised on the new one: to
      // them it is unknown, and a notice would say it exists (it is restricted, here).
      const restricted = await gw.call('PUT', '/cases/S000002/restriction', dataOwner(NPS), { reason: 'Contested' });
      expect([restricted.status, restricted.body.notified]).toEqual([200, []]);
      const rectified = await gw.call('POST', '/cases/S000002/rectifications', dataOwner(NPS), {
        reason: 'Tier recorded wrongly',
        tier: 'B2',
      });
      expect([rectified.status, rectified.body.notified]).toEqual([200, []]);
      expect((await gw.call('DELETE', '/cases/S000002/restriction', dataOwner(NPS))).status).toBe(200);
    });

    it('delivers case.rectified, case.erased and case.restricted to exactly those recipients, with ids only', async () => {
      await drained();
      const toCleveland = rights('police-cleveland').map((e) => `${e.type} ${e.subject}`);
      expect(toCleveland.sort()).toEqual([
        'case.erased S000002',
        'case.erased S000002',
        'case.rectified S000001',
        'case.restricted S000001',
      ]);
      expect(rights('police-durham')).toEqual([]);
      expect(rights(NPS)).toEqual([]);
      for (const e of rights('police-cleveland')) expect(Object.keys(e.data)).toEqual(['href']);
      // Each delivery names a CRN, so each is in the log first, as every case event's is.
      const logged = await gw.sql<{ id: string; crn: string }>(
        `SELECT convert_from(entry, 'UTF8')::jsonb #>> '{resource,id}' AS id, crn FROM access_log_entries
          WHERE action = 'event.disclose' AND recipient_org = 'police-cleveland'`,
      );
      for (const e of rights('police-cleveland')) expect(logged).toContainEqual({ id: e.id, crn: e.subject });
    });
  });

  describe('the retention schedule and job', () => {
    const now = Date.now();
    const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
    /** What each per-item kind holds for the cases of this part, as "kind id". */
    async function held(): Promise<string[]> {
      const rows = await gw.sql<{ k: string }>(
        `SELECT 'case-record ' || crn AS k FROM cases WHERE crn LIKE 'R%'
         UNION ALL SELECT 'assessment ' || crn || '/' || assessment_id FROM case_assessments WHERE crn LIKE 'R%'
         UNION ALL SELECT 'exchange-request ' || crn || '/' || status FROM exchange_requests WHERE crn LIKE 'R%'`,
      );
      return rows.map((r) => r.k).sort();
    }
    /** When the job erases each item, and when the report shows it due by its own rule (if different). */
    const expected: { item: string; dueAt: number; ownDueAt?: number }[] = [];

    beforeAll(async () => {
      const ended1 = dayOf(now - 6 * 365 * DAY);
      const ended2 = dayOf(now - 5 * 365 * DAY);
      // Cleveland's IOM cohort holds R000001, and Cleveland has read it: it is told when the job erases it.
      await putCase('R000001', { supervisionEndedOn: ended1, iom: { cohort: true, force: 'cleveland' } });
      await putCase('R000002', { supervisionEndedOn: ended2 });
      await putCase('R000003', { iom: { cohort: true, force: 'cleveland' } });
      const oldAssessment = now - 6.5 * 365 * DAY;
      const recent = now - 10 * DAY;
      await assess('R000003', 'old-1', new Date(oldAssessment).toISOString());
      await assess('R000003', 'new-1', new Date(recent).toISOString());
      await assess('R000001', 'r1-1', new Date(recent).toISOString());
      const read = await gw.call('GET', '/cases/R000001/summary?purpose=IOM', officer('police-cleveland'));
      expect(read.status).toBe(200);
      const police = gw.orgs['police-cleveland'];
      // Within the agreement: released at once. Outside it (MAPPA is not named): refused at once.
      const fulfilled = await submit(gw, await requestJws(police, requestClaims(agreementId, { crn: 'R000003' })), {
        org: police,
      });
      expect(fulfilled.body.status).toBe('FULFILLED');
      const refused = await submit(
        gw,
        await requestJws(police, requestClaims(agreementId, { crn: 'R000003', dataCategories: ['MAPPA'] })),
        { org: police },
      );
      expect(refused.body.status).toBe('REFUSED');
      const [f] = await gw.sql<{ at: Date }>(`SELECT fulfilled_at AS at FROM exchange_requests WHERE id = $1`, [
        fulfilled.body.id,
      ]);
      const [d] = await gw.sql<{ at: Date }>(
        `SELECT coalesce(decided_at, updated_at) AS at FROM exchange_requests WHERE id = $1`,
        [refused.body.id],
      );
      const seven = 2557 * DAY;
      const midnight = (day: string) => Date.parse(`${day}T00:00:00Z`);
      expected.push(
        // Ending supervision starts the case record's period; the case goes with its assessments.
        { item: 'case-record R000001', dueAt: midnight(ended1) + seven },
        { item: 'assessment R000001/r1-1', dueAt: midnight(ended1) + seven, ownDueAt: recent + seven },
        { item: 'case-record R000002', dueAt: midnight(ended2) + seven },
        // Still under supervision: kept.
        { item: 'case-record R000003', dueAt: Infinity },
        { item: 'assessment R000003/old-1', dueAt: oldAssessment + seven },
        { item: 'assessment R000003/new-1', dueAt: recent + seven },
        { item: 'exchange-request R000003/FULFILLED', dueAt: new Date(f.at).getTime() + 400 * DAY },
        { item: 'exchange-request R000003/REFUSED', dueAt: new Date(d.at).getTime() },
      );
    }, 120_000);

    it('refuses a bad report time with 400 and callers without an IG role with 403', async () => {
      expect((await gw.call('GET', '/retention/report?at=tomorrow', ig(NPS))).status).toBe(400);
      expect((await gw.call('GET', '/retention/report', sys(NPS))).status).toBe(403);
    });

    it("reports, as a dry run, what would be erased and when, for the caller's organisation only", async () => {
      const far = new Date(now + 20 * 365 * DAY).toISOString();
      const report = await gw.call('GET', `/retention/report?at=${far}`, ig(NPS));
      expect(report.status).toBe(200);
      expect(report.body.schedule).toEqual(['default@2026.12.1']);
      const items = (report.body.kinds as { kind: string; items: { id: string; crn: string; dueAt: string }[] }[])
        .flatMap((k) => k.items.map((i) => ({ kind: k.kind, ...i })))
        .filter((i) => i.crn?.startsWith('R'));
      const dated = expected.filter((e) => e.dueAt !== Infinity);
      expect(items).toHaveLength(dated.length);
      for (const e of dated) {
        const [kind, rest] = e.item.split(' ');
        const found = items.filter((i) => i.kind === kind && rest.startsWith(i.crn));
        expect(found.map((i) => Date.parse(i.dueAt))).toContain(e.ownDueAt ?? e.dueAt);
      }
      // Nothing was erased by the report.
      expect(await held()).toEqual(expected.map((e) => e.item).sort());
      // Cleveland's IG sees none of the NPS's cases or requests.
      const other = await gw.call('GET', `/retention/report?at=${far}`, ig('police-cleveland'));
      const theirs = (other.body.kinds as { kind: string; due: number }[]).filter((k) =>
        ['case-record', 'assessment', 'exchange-request'].includes(k.kind),
      );
      expect(theirs.map((k) => k.due)).toEqual([0, 0, 0]);
      const now0 = await gw.call('GET', '/retention/report', ig(NPS));
      const next = (now0.body.kinds as { kind: string; nextDueAt: string | null }[]).find(
        (k) => k.kind === 'case-record',
      );
      expect(Date.parse(next!.nextDueAt!)).toBe(
        Math.min(...expected.filter((e) => e.item.startsWith('case')).map((e) => e.dueAt)),
      );
    });

    it('shows the same report in the IG console, for the signed-in reviewer', async () => {
      const signIn = await gw.call('POST', '/ig/session', ig(NPS));
      const cookie = (signIn.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      const at = new Date(now + 20 * 365 * DAY).toISOString();
      const console = await gw.http.get(`/ig/api/retention?at=${at}`).set('cookie', cookie);
      const api = await gw.call('GET', `/retention/report?at=${at}`, ig(NPS));
      expect(console.status).toBe(200);
      // The API call's own request token is one more replay token: compare the other kinds.
      const comparable = (b: { kinds: { kind: string }[] }) => ({
        ...b,
        generatedAt: null,
        kinds: b.kinds.filter((k) => k.kind !== 'replay-token'),
      });
      expect(comparable(console.body)).toEqual(comparable(api.body));
      expect((await gw.http.get('/ig/api/retention?at=soon').set('cookie', cookie)).status).toBe(400);
      expect((await gw.http.get('/ig/api/retention')).status).toBe(401);
      const page = await gw.http.get('/ig');
      expect(page.text).toContain('href="#/retention"');
    });

    it('moved past each period in turn, erases exactly what is due and nothing else, and logs each erasure', async () => {
      const job = gw.app.get(RetentionJob);
      const steps = [...new Set(expected.map((e) => e.dueAt))].filter((t) => t !== Infinity).sort((a, b) => a - b);
      for (const t of steps) {
        await job.review(new Date(t - 1));
        expect(await held()).toEqual(
          expected
            .filter((e) => e.dueAt > t - 1)
            .map((e) => e.item)
            .sort(),
        );
        const run = await job.review(new Date(t));
        expect(await held()).toEqual(
          expected
            .filter((e) => e.dueAt > t)
            .map((e) => e.item)
            .sort(),
        );
        expect(run).not.toBeNull();
        // A second run at the same time finds nothing more to erase.
        const again = await job.review(new Date(t));
        expect([again!['case-record'], again!.assessment, again!['exchange-request']]).toEqual([0, 0, 0]);
      }
      const logged = await gw.sql<{
        e: { crn: string | null; resource: { type: string; id: string }; reasons: string[] };
      }>(
        `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries WHERE action = 'retention.erase' AND crn LIKE 'R%'`,
      );
      expect(logged.map((l) => `${l.e.resource.type} ${l.e.crn}`).sort()).toEqual(
        expected
          // An assessment erased with its case is in the case's entry.
          .filter((e) => e.dueAt !== Infinity && e.ownDueAt === undefined)
          .map((e) => `${e.item.split(' ')[0]} ${e.item.split(' ')[1].slice(0, 7)}`)
          .sort(),
      );
      expect(logged.every((l) => /^retention rule [a-z.-]+ \(default@2026\.12\.1\)$/.test(l.e.reasons[0]))).toBe(true);
      const erasedCase = logged.find((l) => l.e.resource.type === 'case-record' && l.e.crn === 'R000001');
      expect(erasedCase?.e.reasons[1]).toBe('recipient told: police-cleveland');
      await drained();
      const told = received.filter((e) => e.type === 'case.erased' && e.subject.startsWith('R'));
      expect(told.map((e) => `${e.path} ${e.subject}`)).toEqual(['/police-cleveland R000001']);
    }, 120_000);

    it('erases sessions and replay tokens only once their period has passed', async () => {
      const job = gw.app.get(RetentionJob);
      const count = async (table: string) =>
        Number((await gw.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
      // An IG console session (and its request token), and a person's session as the sign-in writes it.
      expect((await gw.call('POST', '/ig/session', ig(NPS))).status).toBe(201);
      const sessionExpiry = Date.now() + 3 * DAY;
      await gw.sql(
        `INSERT INTO person_sessions (id_hash, org_id, issuer, sub, roles, attributes, idp_revision, created_at, last_seen_at, expires_at)
         VALUES ($1, 'police-cleveland', 'https://idp.example', 'user:pc-7', '{iom-officer}', '{}', 1, now(), now(), $2)`,
        [randomBytes(32), new Date(sessionExpiry)],
      );
      const [{ latest }] = await gw.sql<{ latest: Date }>(`SELECT max(expires_at) AS latest FROM request_tokens`);
      const newest = `SELECT 1 FROM request_tokens WHERE expires_at = $1`;
      await job.review(new Date(new Date(latest).getTime() - 1));
      expect((await gw.sql(newest, [latest])).length).toBeGreaterThan(0);
      await job.review(new Date(latest));
      expect(await gw.sql(newest, [latest])).toHaveLength(0);
      const ninety = 90 * DAY;
      // The IG session expires within hours, the person's in three days: the IG session goes first.
      const [{ igExpiry }] = await gw.sql<{ igExpiry: Date }>(`SELECT max(expires_at) AS "igExpiry" FROM ig_sessions`);
      await job.review(new Date(new Date(igExpiry).getTime() + ninety - 1));
      expect(await count('ig_sessions')).toBeGreaterThan(0);
      await job.review(new Date(new Date(igExpiry).getTime() + ninety));
      expect(await count('ig_sessions')).toBe(0);
      await job.review(new Date(sessionExpiry + ninety - 1));
      expect(await count('person_sessions')).toBe(1);
      await job.review(new Date(sessionExpiry + ninety));
      expect(await count('person_sessions')).toBe(0);
      const logged = await gw.sql<{ e: { resource: { type: string; id: string }; reason: string } }>(
        `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries WHERE action = 'retention.erase' AND crn IS NULL`,
      );
      expect(new Set(logged.map((l) => l.e.resource.type))).toEqual(
        new Set(['replay-token', 'person-session', 'ig-session']),
      );
      expect(logged.find((l) => l.e.resource.type === 'person-session')).toMatchObject({
        e: { resource: { id: 'police-cleveland' }, reason: '1 erased under person-session.after-expiry' },
      });
    }, 120_000);

    it("leaves exchange requests beyond the application role's reach: no DELETE, and the signed request immutable, even with the erasure setting", async () => {
      const police = gw.orgs['police-cleveland'];
      const made = await submit(gw, await requestJws(police, requestClaims(agreementId, { crn: 'R000003' })), {
        org: police,
      });
      const r = { id: made.body.id as string };
      const pg = (await import('pg')).default;
      const app = new pg.Client({ connectionString: gw.db.appUrl });
      await app.connect();
      try {
        const attempt = async (sql: string) => {
          await app.query('BEGIN');
          await app.query(`SELECT set_config('gateway.erasing_exchange_request', $1, true)`, [r.id]);
          const outcome = await app.query(sql, [r.id]).then(
            () => 'done',
            (e: Error) => e.message,
          );
          await app.query('ROLLBACK');
          return outcome;
        };
        expect(await attempt(`DELETE FROM exchange_requests WHERE id = $1`)).toMatch(/permission denied/);
        expect(await attempt(`UPDATE exchange_requests SET justification = 'changed' WHERE id = $1`)).toMatch(
          /immutable|final/,
        );
      } finally {
        await app.end();
      }
    });

    it('runs on one instance at a time: a run while another holds the lock erases nothing and answers null', async () => {
      const job = gw.app.get(RetentionJob);
      const c = await import('pg');
      const other = new c.default.Client({ connectionString: gw.db.ownerUrl });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('SELECT pg_advisory_xact_lock(7163018)');
        expect(await job.review(new Date(now + 100 * 365 * DAY))).toBeNull();
        await other.query('ROLLBACK');
      } finally {
        await other.end();
      }
      expect((await gw.sql(`SELECT 1 FROM cases WHERE crn = 'S000001'`)).length).toBe(1);
    });
  });
});
