import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { activeAgreement, agreementTerms, daysFromNow, draft, signatory } from '../factories/agreement.factory.js';
import { eventually } from '../setup/polling.js';
import { TestGateway, type TestOrg } from '../setup/test-app.js';
import { AgreementExpiryWatcher } from '../../src/modules/agreements/index.js';
import { BreachDeadlineWatcher } from '../../src/modules/ig-console/application/breach-deadline.watcher.js';

/**
 * IG records (issue 18 item 4): each agreement's DPIA reference and review schedule, and the
 * breach register with its 72-hour ICO clock, its reminders by e-mail through a real SMTP server
 * on loopback, and its access-log entries.
 */
const HOUR = 3_600_000;
const CONSOLE = { 'x-ig-console': '1' };

interface Mail {
  to: string[];
  raw: string;
}

describe('IG records: DPIA, review schedule, breach register', () => {
  let gw: TestGateway;
  let smtp: SMTPServer;
  const mails: Mail[] = [];
  const to = (address: string) => mails.filter((m) => m.to.includes(address));
  const subjectOf = (m: Mail) => /^Subject: (.*)$/im.exec(m.raw.replace(/\r?\n\s+/g, ' '))?.[1]?.trim();
  const ig = (org: TestOrg, sub = `user:ig-${org.id}`) => ({ org, roles: ['ig-reviewer'], sub });
  const allSent = async () =>
    (
      await gw.sql(
        `SELECT 1 WHERE (SELECT cursor FROM email_cursor) >= (SELECT max(seq) FROM event_outbox)
            AND NOT EXISTS (SELECT 1 FROM email_messages WHERE sent_at IS NULL AND failed_at IS NULL)`,
      )
    ).length === 1;
  /** The access-log entries about a resource id, in log order. */
  const logged = async (id: string) =>
    (
      await gw.sql<{ entry: Buffer }>(
        `SELECT entry FROM access_log_entries WHERE convert_from(entry, 'UTF8')::jsonb->'resource'->>'id' = $1 ORDER BY idx`,
        [id],
      )
    ).map((r) => {
      const e = JSON.parse(r.entry.toString('utf8')) as { action: string; actor: { org: string }; reasons: string[] };
      return { action: e.action, actor_org: e.actor.org, reasons: e.reasons };
    });

  /** The fields a 400 names, each once. */
  const fieldsOf = (body: { errors?: { field: string }[] }) => [...new Set((body.errors ?? []).map((e) => e.field))];

  function breach(over: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      summary: 'Risk summary e-mailed to the wrong police force mailbox',
      discoveredAt: new Date(Date.now() - HOUR).toISOString(),
      severity: 'HIGH',
      crns: ['X123456'],
      partnerOrgs: ['police-cleveland'],
      ...over,
    };
  }

  async function recorded(org: TestOrg, over: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const r = await gw.call('POST', '/breaches', ig(org), breach(over));
    if (r.status !== 201) throw new Error(`record: ${r.status} ${r.text}`);
    return r.body as Record<string, unknown>;
  }

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    gw = await TestGateway.start({
      env: {
        SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
        EMAIL_POLL_MS: '50',
        EMAIL_LINK_BASE: 'https://gateway.probation.example/',
        EMAIL_CONTACTS: JSON.stringify({
          'nps-north-east': { ig: ['ig@nps.example'] },
          'police-cleveland': { ig: ['ig@police.example'] },
        }),
      },
    });
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  describe('agreements: DPIA reference and review schedule', () => {
    it('are terms of the version: in the signed document and in agreement reads', async () => {
      const id = await draft(gw, agreementTerms({ dpiaReference: 'DPIA-2026-014', reviewIntervalMonths: 12 }));
      const nps = signatory(gw.orgs['nps-north-east']);
      const read = await gw.call('GET', `/agreements/${id}`, nps);
      expect(read.body).toMatchObject({ dpiaReference: 'DPIA-2026-014', reviewIntervalMonths: 12 });
      const doc = await gw.call('GET', `/agreements/${id}/document`, nps);
      expect(JSON.parse(doc.text)).toMatchObject({ dpiaReference: 'DPIA-2026-014', reviewIntervalMonths: 12 });
    });

    it('stay out of the document of a version drafted without them', async () => {
      const id = await draft(gw, agreementTerms());
      const nps = signatory(gw.orgs['nps-north-east']);
      expect((await gw.call('GET', `/agreements/${id}`, nps)).body).toMatchObject({
        dpiaReference: null,
        reviewIntervalMonths: null,
      });
      const doc = JSON.parse((await gw.call('GET', `/agreements/${id}/document`, nps)).text) as object;
      expect(Object.keys(doc)).not.toEqual(expect.arrayContaining(['dpiaReference']));
      expect(Object.keys(doc)).not.toEqual(expect.arrayContaining(['reviewIntervalMonths']));
    });

    it.each([
      ['a DPIA reference of prose', { dpiaReference: 'see the e-mail of <b>Tuesday</b>' }, ['dpiaReference']],
      ['a DPIA reference too short', { dpiaReference: 'D1' }, ['dpiaReference']],
      ['a review interval of zero', { reviewIntervalMonths: 0 }, ['reviewIntervalMonths']],
      ['a review interval that is not a whole number', { reviewIntervalMonths: 1.5 }, ['reviewIntervalMonths']],
      ['a first review later than one interval', { reviewBy: daysFromNow(180), reviewIntervalMonths: 3 }, ['reviewBy']],
    ])('refuses %s with a 400 naming the field', async (_, over, fields) => {
      const r = await gw.call('POST', '/agreements', signatory(gw.orgs['nps-north-east']), agreementTerms(over));
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(fieldsOf(r.body)).toEqual(fields);
    });

    it('raises agreement.review-due at each date of the schedule, once each', async () => {
      const id = await activeAgreement(
        gw,
        agreementTerms({ title: 'Scheduled reviews', reviewBy: daysFromNow(10), reviewIntervalMonths: 1 }),
      );
      const watcher = gw.app.get(AgreementExpiryWatcher);
      const dues = async () =>
        (
          await gw.sql<{ due_at: Date }>(
            `SELECT due_at FROM event_reminders WHERE type = 'agreement.review-due' AND subject = $1 ORDER BY due_at`,
            [id],
          )
        ).map((r) => r.due_at.getTime());
      const reviewBy = Date.parse(
        (await gw.call('GET', `/agreements/${id}`, signatory(gw.orgs['nps-north-east']))).body.reviewBy as string,
      );
      await watcher.remind(new Date(reviewBy - 1000));
      expect(await dues()).toEqual([]);
      await watcher.remind(new Date(reviewBy + 1000));
      await watcher.remind(new Date(reviewBy + 2 * 24 * HOUR));
      expect(await dues()).toEqual([reviewBy]);
      // A month on, with no new version in force, the next date of the schedule is due.
      const next = new Date(reviewBy);
      next.setUTCMonth(next.getUTCMonth() + 1);
      await Promise.all([
        watcher.remind(new Date(next.getTime() + 1000)),
        watcher.remind(new Date(next.getTime() + 1000)),
      ]);
      expect(await dues()).toEqual([reviewBy, next.getTime()]);
    });
  });

  describe('breach register API', () => {
    const nps = () => gw.orgs['nps-north-east'];

    it('records a breach as OPEN with its 72-hour ICO deadline, and logs it', async () => {
      const discoveredAt = '2026-12-01T09:30:00.000Z';
      const b = await recorded(nps(), { discoveredAt, occurredAt: '2026-11-30T16:00:00Z' });
      expect(b).toMatchObject({
        org: 'nps-north-east',
        status: 'OPEN',
        severity: 'HIGH',
        reportable: null,
        crns: ['X123456'],
        partnerOrgs: ['police-cleveland'],
        discoveredAt,
        icoDeadline: '2026-12-04T09:30:00.000Z',
        version: 1,
        recordedBy: 'user:ig-nps-north-east',
      });
      expect(await logged(b.id as string)).toEqual([
        {
          action: 'ig.breach.record',
          actor_org: 'nps-north-east',
          reasons: ['version:1', 'status:OPEN', 'severity:HIGH'],
        },
      ]);
    });

    it.each([
      ['no summary', { summary: undefined }, ['summary']],
      ['a CRN of the wrong shape', { crns: ['x12'] }, ['crns']],
      ['an agreement id that is not a UUID', { agreementIds: ['agr-1'] }, ['agreementIds']],
      ['an unknown severity', { severity: 'SEVERE' }, ['severity']],
      ['a discovery date that does not exist', { discoveredAt: '2026-02-30T00:00:00Z' }, ['discoveredAt']],
      ['a discovery in the future', { discoveredAt: new Date(Date.now() + 48 * HOUR).toISOString() }, ['discoveredAt']],
      ['an occurrence after discovery', { occurredAt: new Date().toISOString() }, ['occurredAt']],
      ['an unknown partner', { partnerOrgs: ['police-cleveland', 'police-atlantis'] }, ['partnerOrgs[1]']],
      ['a member the register does not know', { status: 'CLOSED' }, ['status']],
    ])('refuses %s with a 400 naming the field', async (_, over, fields) => {
      const r = await gw.call('POST', '/breaches', ig(nps()), breach(over));
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(fieldsOf(r.body)).toEqual(fields);
    });

    it('is for ig-reviewers only', async () => {
      const r = await gw.call('POST', '/breaches', { org: nps(), roles: ['offender-manager'] }, breach());
      expect(r.status).toBe(403);
      expect((await gw.call('GET', '/breaches', { org: nps(), roles: ['offender-manager'] })).status).toBe(403);
    });

    it("answers another organisation's breach exactly as one that does not exist", async () => {
      const b = await recorded(nps());
      const police = ig(gw.orgs['police-cleveland']);
      const unknown = '00000000-0000-4000-8000-000000000000';
      const theirs = await gw.call('GET', `/breaches/${b.id as string}`, police);
      const none = await gw.call('GET', `/breaches/${unknown}`, police);
      expect([theirs.status, theirs.body.type, theirs.body.detail]).toEqual([404, none.body.type, none.body.detail]);
      const change = {
        status: 'NOT_REPORTABLE',
        notReportableReason: 'Mailbox owner confirmed deletion',
        note: 'x'.repeat(5),
      };
      const changed = await gw.call('POST', `/breaches/${b.id as string}/changes`, police, change);
      const changedNone = await gw.call('POST', `/breaches/${unknown}/changes`, police, change);
      expect([changed.status, changed.body.detail]).toEqual([404, changedNone.body.detail]);
      const list = await gw.call('GET', '/breaches', police);
      expect((list.body.breaches as { id: string }[]).map((x) => x.id)).not.toContain(b.id);
      // Nothing was written to the breach by the other organisation.
      expect((await gw.call('GET', `/breaches/${b.id as string}`, ig(nps()))).body.version).toBe(1);
    });

    it('keeps every change as a new version, by the rules of the register, each logged', async () => {
      const b = await recorded(nps());
      const id = b.id as string;
      const change = (body: Record<string, unknown>) => gw.call('POST', `/breaches/${id}/changes`, ig(nps()), body);
      const refused = async (body: Record<string, unknown>) => {
        const r = await change(body);
        expect(r.status).toBe(400);
        return fieldsOf(r.body);
      };
      expect(await refused({ status: 'REPORTED', note: 'Reported' })).toEqual(['icoReportedAt']);
      expect(await refused({ status: 'NOT_REPORTABLE', note: 'Assessed' })).toEqual(['notReportableReason']);
      expect(await refused({ status: 'CLOSED', note: 'Done' })).toEqual(['status']);
      expect(await refused({ icoReference: 'ICO/1', note: 'Reference' })).toEqual(['icoReference']);
      expect(
        await refused({
          status: 'REPORTED',
          icoReportedAt: new Date(Date.parse(b.discoveredAt as string) - HOUR).toISOString(),
          note: 'Reported',
        }),
      ).toEqual(['icoReportedAt']);
      expect(await refused({ note: 'No' })).toEqual(['note']);

      const assessed = await change({ severity: 'CRITICAL', reportable: true, note: 'Assessed as likely to harm' });
      expect(assessed.status).toBe(201);
      expect(assessed.body).toMatchObject({ version: 2, status: 'OPEN', severity: 'CRITICAL', reportable: true });
      const reportedAt = new Date().toISOString();
      const reported = await change({
        status: 'REPORTED',
        icoReportedAt: reportedAt,
        icoReference: 'ICO/00123456',
        note: 'Reported to the ICO by telephone',
      });
      expect(reported.body).toMatchObject({
        version: 3,
        status: 'REPORTED',
        icoReportedAt: reportedAt,
        icoReference: 'ICO/00123456',
        overdue: false,
        reportedLate: false,
        minutesLeft: null,
      });
      const closed = await change({ status: 'CLOSED', note: 'Recipient confirmed deletion' });
      expect(closed.body).toMatchObject({ version: 4, status: 'CLOSED', icoReference: 'ICO/00123456' });
      const after = await change({ note: 'One more thing' });
      expect([after.status, after.body.type]).toEqual([409, 'urn:probation-gateway:problem:ig_breach_closed']);

      const read = await gw.call('GET', `/breaches/${id}`, ig(nps()));
      expect(
        (read.body.history as { version: number; status: string; note: string | null }[]).map((v) => [
          v.version,
          v.status,
          v.note,
        ]),
      ).toEqual([
        [1, 'OPEN', null],
        [2, 'OPEN', 'Assessed as likely to harm'],
        [3, 'REPORTED', 'Reported to the ICO by telephone'],
        [4, 'CLOSED', 'Recipient confirmed deletion'],
      ]);
      expect((await logged(id)).map((e) => `${e.action} ${e.reasons[1]}`)).toEqual([
        'ig.breach.record status:OPEN',
        'ig.breach.change status:OPEN',
        'ig.breach.change status:REPORTED',
        'ig.breach.change status:CLOSED',
        'ig.breach.read status:CLOSED',
      ]);
    });

    it('flags an open breach past its 72 hours as overdue, and a late report as late', async () => {
      const discoveredAt = new Date(Date.now() - 80 * HOUR).toISOString();
      const b = await recorded(nps(), { discoveredAt });
      expect(b).toMatchObject({ overdue: true, minutesLeft: expect.any(Number) });
      expect(b.minutesLeft as number).toBeLessThan(0);
      const reported = await gw.call('POST', `/breaches/${b.id as string}/changes`, ig(nps()), {
        status: 'REPORTED',
        icoReportedAt: new Date().toISOString(),
        note: 'Reported late: the reasons for the delay were given',
      });
      expect(reported.body).toMatchObject({ overdue: false, reportedLate: true });
    });

    it('is append-only in the database, whoever asks', async () => {
      await expect(gw.sql(`UPDATE ig_breach_versions SET status = 'CLOSED'`)).rejects.toThrow(/append-only/);
      await expect(gw.sql(`DELETE FROM ig_breaches`)).rejects.toThrow(/append-only/);
      const [grants] = await gw.sql(
        `SELECT bool_or(has_table_privilege('gateway_app', t, 'UPDATE')) AS upd,
                bool_or(has_table_privilege('gateway_app', t, 'DELETE')) AS del
           FROM unnest(ARRAY['ig_breaches', 'ig_breach_versions']) AS t`,
      );
      expect(grants).toEqual({ upd: false, del: false });
    });
  });

  describe('ICO deadline reminders', () => {
    it('tells IG 24 h and 4 h before the deadline and when it passes, once each, with no breach content', async () => {
      const police = gw.orgs['police-cleveland'];
      const b = await recorded(police, { partnerOrgs: ['nps-north-east'], crns: ['X654321'] });
      const id = b.id as string;
      const deadline = Date.parse(b.icoDeadline as string);
      const watcher = gw.app.get(BreachDeadlineWatcher);
      const raisedFor = async () =>
        (await gw.sql<{ type: string }>(`SELECT type FROM event_outbox WHERE subject = $1 ORDER BY seq`, [id])).map(
          (r) => r.type,
        );

      await watcher.sweep(new Date(deadline - 25 * HOUR));
      expect(await raisedFor()).toEqual([]);
      // Several instances' passes at once: one reminder between them.
      const near = new Date(deadline - 23 * HOUR);
      await Promise.all([watcher.sweep(near), watcher.sweep(near), watcher.sweep(near)]);
      await watcher.sweep(new Date(deadline - 5 * HOUR));
      expect(await raisedFor()).toEqual(['breach.ico-deadline-near']);
      await watcher.sweep(new Date(deadline - 3 * HOUR));
      await watcher.sweep(new Date(deadline + HOUR));
      await watcher.sweep(new Date(deadline + 2 * HOUR));
      expect(await raisedFor()).toEqual(['breach.ico-deadline-near', 'breach.ico-deadline-near', 'breach.ico-overdue']);

      await eventually('every event is planned and every message sent', allSent);
      const mine = to('ig@police.example').filter((m) => subjectOf(m)?.endsWith(id));
      expect(mine.map(subjectOf).sort()).toEqual([
        `[Probation gateway] ICO deadline near for a personal data breach: ${id}`,
        `[Probation gateway] ICO deadline near for a personal data breach: ${id}`,
        `[Probation gateway] ICO deadline passed for a personal data breach: ${id}`,
      ]);
      for (const m of mine) {
        expect(m.raw).toContain('https://gateway.probation.example/ig/#/records');
        expect(m.raw).not.toMatch(/X654321|wrong police force/);
      }
      // The partner named in the breach is not told: the register is the recording organisation's.
      expect(to('ig@nps.example').filter((m) => subjectOf(m)?.endsWith(id))).toEqual([]);
    });

    it('stops once the breach is reported or assessed as not reportable', async () => {
      const nps = gw.orgs['nps-north-east'];
      const b = await recorded(nps);
      const id = b.id as string;
      const r = await gw.call('POST', `/breaches/${id}/changes`, ig(nps), {
        status: 'NOT_REPORTABLE',
        notReportableReason: 'Encrypted at rest; the key was not disclosed',
        note: 'Assessed by the DPO',
      });
      expect(r.body).toMatchObject({ status: 'NOT_REPORTABLE', reportable: false, overdue: false, minutesLeft: null });
      await gw.app.get(BreachDeadlineWatcher).sweep(new Date(Date.parse(b.icoDeadline as string) + HOUR));
      expect(await gw.sql(`SELECT 1 FROM event_outbox WHERE subject = $1`, [id])).toEqual([]);
    });
  });

  describe('IG console API', () => {
    async function signIn(org: TestOrg): Promise<string> {
      const res = await gw.call('POST', '/ig/session', { org, roles: ['ig-reviewer'], sub: `user:ig-${org.id}` });
      if (res.status !== 201) throw new Error(`sign-in: ${res.status} ${res.text}`);
      return (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    }

    it("serves the organisation's register and agreement records, and refuses another's breach with 404", async () => {
      const npsCookie = await signIn(gw.orgs['nps-north-east']);
      const created = await gw.http.post('/ig/api/breaches').set(CONSOLE).set('cookie', npsCookie).send(breach());
      expect(created.status).toBe(201);
      const bad = await gw.http
        .post('/ig/api/breaches')
        .set(CONSOLE)
        .set('cookie', npsCookie)
        .send(breach({ severity: 'NONE' }));
      expect([bad.status, fieldsOf(bad.body)]).toEqual([400, ['severity']]);
      const list = await gw.http.get('/ig/api/breaches').set('cookie', npsCookie);
      expect((list.body.breaches as { id: string }[]).map((b) => b.id)).toContain(created.body.id);

      const policeCookie = await signIn(gw.orgs['police-cleveland']);
      const other = await gw.http.get(`/ig/api/breaches/${created.body.id as string}`).set('cookie', policeCookie);
      expect(other.status).toBe(404);

      const late = await gw.http
        .post('/ig/api/breaches')
        .set(CONSOLE)
        .set('cookie', npsCookie)
        .send(breach({ discoveredAt: new Date(Date.now() - 80 * HOUR).toISOString() }));
      const overview = await gw.http.get('/ig/api/overview').set('cookie', npsCookie);
      const overdue = (overview.body.breachesOverdue as { id: string }[]).map((b) => b.id);
      expect(overdue).toContain(late.body.id);
      expect(overdue).not.toContain(created.body.id);

      const records = await gw.http.get('/ig/api/agreements').set('cookie', npsCookie);
      expect(records.status).toBe(200);
      const withDpia = (records.body.agreements as { dpiaReference: string | null; nextReview: string | null }[]).find(
        (a) => a.dpiaReference === 'DPIA-2026-014',
      );
      expect(withDpia).toMatchObject({ reviewIntervalMonths: 12, reviewDue: null, nextReview: expect.any(String) });
    });
  });
});
