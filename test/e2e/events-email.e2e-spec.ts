import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { activeAgreement, agreementTerms, signatory } from '../factories/agreement.factory.js';
import { aCase, requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import { eventually } from '../setup/polling.js';
import { TestGateway } from '../setup/test-app.js';
import { loadConfig } from '../../src/config/app.config.js';
import { createApp } from '../../src/app.js';
import { JsonLogger } from '../../src/shared/observability/json-logger.js';
import { ExchangeDeadlineWatcher } from '../../src/modules/exchange/index.js';
import { AccessLogWriter } from '../../src/modules/access-log/index.js';
import { MisuseFlagWatcher } from '../../src/modules/ig-console/application/misuse-flag.watcher.js';

/**
 * E-mail to people, through a real SMTP server on loopback (smtp-server): who is told of what,
 * that a message holds a link and identifiers only, and that two instances send each once.
 */
interface Mail {
  from: string;
  to: string[];
  raw: string;
}

describe('Events: e-mail notifications over SMTP', () => {
  let gw: TestGateway;
  let smtp: SMTPServer;
  let smtpUrl: string;
  const mails: Mail[] = [];
  const CONTACTS = {
    'nps-north-east': { 'data-owner': ['dpo@nps.example'], signatory: ['dsa@nps.example'], ig: ['ig@nps.example'] },
    'police-cleveland': {
      'data-owner': ['dpo@police.example'],
      signatory: ['dsa@police.example'],
      people: { 'user:police-cleveland-signatory': 'pat.signer@police.example' },
    },
  };
  const to = (address: string) => mails.filter((m) => m.to.includes(address));
  const header = (m: Mail, name: string) =>
    new RegExp(`^${name}: (.*)$`, 'im').exec(m.raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n\s+/g, ' '))?.[1]?.trim();
  /** The body, quoted-printable decoded. */
  const text = (m: Mail) =>
    m.raw
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join('\n\n')
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  /** Every event so far is planned and every message queued for it is sent. */
  const allSent = async () =>
    (
      await gw.sql(
        `SELECT 1 WHERE (SELECT cursor FROM email_cursor) >= (SELECT max(seq) FROM event_outbox)
            AND NOT EXISTS (SELECT 1 FROM email_messages WHERE sent_at IS NULL AND failed_at IS NULL)`,
      )
    ).length === 1;

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
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    gw = await TestGateway.start({
      env: {
        SMTP_URL: smtpUrl,
        EMAIL_POLL_MS: '50',
        EMAIL_FROM: 'gateway@probation.example',
        EMAIL_LINK_BASE: 'https://gateway.probation.example/',
        EMAIL_CONTACTS: JSON.stringify(CONTACTS),
      },
    });
    await eventually(
      'the e-mail cursor has started',
      async () => (await gw.sql(`SELECT 1 FROM email_cursor`)).length === 1,
    );
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it("tells a party's signatory when a version awaits its signature", async () => {
    const id = await activeAgreement(gw, agreementTerms());
    await eventually('the signatory is told', () => to('dsa@police.example').length === 1);
    const m = to('dsa@police.example')[0];
    expect(m.from).toBe('gateway@probation.example');
    expect(header(m, 'Subject')).toBe(`[Probation gateway] Agreement awaiting your signature: ${id}`);
    expect(text(m)).toContain(`https://gateway.probation.example/signing/${id}`);
    // The first signatory signed when drafting: nobody asked it.
    expect(to('dsa@nps.example')).toEqual([]);
  });

  it('tells the person who signed the version before, where their address is known, when an amendment awaits them', async () => {
    const id = await activeAgreement(gw, agreementTerms({ title: 'To be amended' }));
    await eventually('every event is planned and every message sent', allSent);
    const before = { org: to('dsa@police.example').length, nps: to('dsa@nps.example').length };
    const amended = await gw.call(
      'PUT',
      `/agreements/${id}`,
      signatory(gw.orgs['nps-north-east']),
      agreementTerms({ title: 'To be amended', retentionDays: 365 }),
    );
    expect(amended.status).toBe(200);
    await eventually('the person is told', () => to('pat.signer@police.example').length === 1);
    await eventually('every event is planned and every message sent', allSent);
    expect(header(to('pat.signer@police.example')[0], 'Subject')).toBe(
      `[Probation gateway] Agreement awaiting your signature: ${id}`,
    );
    // Both parties must sign again: both signatory addresses are told too; the NPS signer has no address of their own.
    expect(to('dsa@police.example').length - before.org).toBe(1);
    expect(to('dsa@nps.example').length - before.nps).toBe(1);
  });

  it("tells the provider's data owner when a request arrives and when it is due soon; no case content, a link only", async () => {
    const agreement = await activeAgreement(gw, agreementTerms());
    await aCase(gw, 'X100001');
    const jws = await requestJws(
      gw.orgs['police-cleveland'],
      requestClaims(agreement, { crn: 'X100001', urgency: 'URGENT' }),
    );
    const r = await submit(gw, jws, { org: gw.orgs['police-cleveland'] });
    expect(r.status).toBe(201);
    const id = r.body.id as string;
    await eventually('the data owner is told of the request', () => to('dpo@nps.example').length === 1);
    expect(header(to('dpo@nps.example')[0], 'Subject')).toBe(`[Probation gateway] Exchange request received: ${id}`);
    await gw.app.get(ExchangeDeadlineWatcher).sweep(new Date(new Date(r.body.dueBy as string).getTime() - 3_600_000));
    await eventually('the data owner is told it is due soon', () => to('dpo@nps.example').length === 2);
    const soon = to('dpo@nps.example')[1];
    expect(header(soon, 'Subject')).toBe(`[Probation gateway] Exchange request due soon: ${id}`);
    expect(text(soon)).toContain(`https://gateway.probation.example/requests/incoming/${id}`);
    // The requester's own data owner hears nothing; nothing names the case or the person.
    expect(to('dpo@police.example')).toEqual([]);
    for (const m of mails)
      expect(`${m.raw}\n${text(m)}`).not.toMatch(/X100001|Alex|Example|2004\/0012345A|IOM panel|arrested|HIGH/);
    expect(header(soon, 'Message-ID')).toMatch(/^<[0-9a-f-]{36}@probation-gateway>$/);
  });

  it("tells an organisation's IG when a misuse flag is raised for its review, once, with no case content", async () => {
    await gw.app.get(AccessLogWriter).append({
      actor: { org: 'crc-northumbria', sub: 'user:om-1', roles: ['offender-manager'] },
      action: 'case.summary',
      resource: { type: 'case', id: 'A000003' },
      crn: 'A000003',
      purpose: 'RISK_MANAGEMENT',
      reason: 'emergency: whereabouts unknown',
      decision: 'ALLOW',
      reasons: ['rule:emergency.break-glass'],
      breakGlass: true,
      recipientOrg: 'crc-northumbria',
      ownerOrg: 'nps-north-east',
      requestId: 'req-break-glass',
    });
    const watcher = gw.app.get(MisuseFlagWatcher);
    const raised = await watcher.sweep();
    expect(raised).toBeGreaterThanOrEqual(1);
    expect(await watcher.sweep()).toBe(0);
    await eventually('every event is planned and every message sent', allSent);
    // One message per flag in the managing organisation's view (break-glass, and the hour may add another rule's).
    const flagged = await gw.sql<{ subject: string }>(
      `SELECT subject FROM event_outbox WHERE type = 'misuse-flag.raised' AND parties = '{nps-north-east}'`,
    );
    const mails = to('ig@nps.example');
    expect(mails.map((m) => header(m, 'Subject')).sort()).toEqual(
      flagged.map((f) => `[Probation gateway] Misuse flag raised: ${f.subject}`).sort(),
    );
    expect(flagged.map((f) => f.subject)).toContainEqual(expect.stringMatching(/^nps-north-east\/break_glass:\d+$/));
    for (const m of mails) {
      expect(text(m)).toContain('https://gateway.probation.example/ig/#/flags');
      expect(`${m.raw}\n${text(m)}`).not.toMatch(/A000003|whereabouts|RISK_MANAGEMENT/);
    }
  });

  it('with two instances on one database, each message is sent once', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-email-2-'));
    const second = await createApp(
      loadConfig({
        DATABASE_URL: gw.db.appUrl,
        DATA_DIR: dataDir,
        DEMO: 'false',
        LOG_LEVEL: 'error',
        SMTP_URL: smtpUrl,
        EMAIL_POLL_MS: '20',
        EMAIL_CONTACTS: JSON.stringify(CONTACTS),
        CHECKPOINT_INTERVAL_MS: '3600000',
      }),
      { databaseUrl: gw.db.appUrl, logger: new JsonLogger('error', () => undefined) },
    );
    try {
      const before = mails.length;
      for (let i = 0; i < 10; i++) await activeAgreement(gw, agreementTerms({ title: `Agreement ${i}` }));
      await eventually('every event is planned and every message sent', allSent);
      const got = mails.slice(before);
      expect(got.map((m) => m.to)).toEqual(Array.from({ length: 10 }, () => ['dsa@police.example']));
      expect(new Set(got.map((m) => header(m, 'Message-ID'))).size).toBe(10);
    } finally {
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
