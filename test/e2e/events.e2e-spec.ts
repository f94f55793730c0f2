import { createHmac, createPublicKey, verify } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { activeAgreement, agreementTerms, signatory } from '../factories/agreement.factory.js';
import { caseBody, creatorOf } from '../factories/case.factory.js';
import { eventually } from '../setup/polling.js';
import { TestGateway, type TestOrg } from '../setup/test-app.js';
import { loadConfig } from '../../src/config/app.config.js';
import { createApp } from '../../src/app.js';
import { JsonLogger } from '../../src/shared/observability/json-logger.js';
import type { AccessLogEntryInput } from '@modules/access-log/domain/access-log-entry.js';

/**
 * POST/GET/DELETE /subscriptions, POST /subscriptions/{id}/replay and GET /events, with a real
 * HTTP receiver on loopback: what is delivered, to whom, signed how, and what survives a
 * receiver that is down, redirects, or two gateway instances on one database.
 */
interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

describe('Events: /subscriptions, webhooks and /events', () => {
  let gw: TestGateway;
  let receiver: http.Server;
  let base: string;
  const received: Received[] = [];
  /** Answer per path: a status, or a redirect target. */
  const behaviour = new Map<string, { status: number; location?: string }>();
  const o = (id: string): TestOrg => gw.orgs[id];
  const sys = (id: string) => ({ org: o(id), roles: ['system'], sub: `system:${id}-cms`, reason: 'case sync' });
  let iomAgreement: string;
  const subs: Record<string, { id: string; secret?: string }> = {};

  const on = (p: string) => received.filter((r) => r.path === p);
  const delivered = (p: string) =>
    on(p)
      .filter((r) => r.status === 200)
      .map((r) => JSON.parse(r.body) as { id: string; type: string; subject: string; data: Record<string, string> });

  async function subscribe(org: string, p: string, types: string[], signature?: 'v1' | 'v1a') {
    const r = await gw.call('POST', '/subscriptions', sys(org), {
      url: `${base}${p}`,
      types,
      ...(signature ? { signature } : {}),
    });
    expect(r.status).toBe(201);
    return r.body as { id: string; secret?: string };
  }
  async function maxSeq(): Promise<string> {
    return (await gw.sql<{ s: string }>(`SELECT coalesce(max(seq), 0)::text AS s FROM event_outbox`))[0].s;
  }
  /** Waits until the subscription has finished with every event in the outbox now (delivered, skipped or dead). */
  async function drained(subId: string) {
    const target = BigInt(await maxSeq());
    await eventually(`subscription ${subId} has passed seq ${target}`, async () => {
      const [r] = await gw.sql<{ cursor: string; types: string[] }>(
        `SELECT cursor::text, types FROM event_subscriptions WHERE id = $1`,
        [subId],
      );
      if (BigInt(r.cursor) >= target) return true;
      const left = await gw.sql(
        `SELECT 1 FROM event_outbox o WHERE o.seq > $1 AND o.seq <= $2 AND ($3::text[] = '{*}' OR o.type = ANY ($3::text[]))`,
        [r.cursor, String(target), r.types],
      );
      return left.length === 0;
    });
  }
  async function putCase(crn: string, managing: string, over: Record<string, unknown>, asCreator = false) {
    const r = await gw.call(
      'PUT',
      `/cases/${crn}`,
      sys(asCreator ? creatorOf(managing) : managing),
      caseBody(managing, over),
    );
    expect([200, 201]).toContain(r.status);
  }

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const b = behaviour.get(req.url ?? '') ?? { status: 200 };
        received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          status: b.status,
        });
        res.writeHead(b.status, b.location ? { location: b.location } : {});
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    gw = await TestGateway.start({
      env: {
        WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
        WEBHOOK_POLL_MS: '50',
        WEBHOOK_BACKOFF_BASE_MS: '100',
        WEBHOOK_MAX_BACKOFF_MS: '400',
        WEBHOOK_TIMEOUT_MS: '2000',
        WEBHOOK_MAX_ATTEMPTS: '3',
      },
    });
    iomAgreement = await activeAgreement(
      gw,
      agreementTerms({
        title: 'Cleveland IOM',
        parties: [
          { org: 'nps-north-east', role: 'PROVIDER' },
          { org: 'police-cleveland', role: 'RECIPIENT' },
        ],
        purposes: ['IOM'],
        dataCategories: [
          'IDENTITY',
          'RISK_SUMMARY',
          'ROSH',
          'NEEDS',
          'RISK_MANAGEMENT_PLAN',
          'LICENCE_CONDITIONS',
          'MAPPA',
        ],
      }),
    );
    subs.police = await subscribe('police-cleveland', '/police', ['*']);
    subs.nps = await subscribe('nps-north-east', '/nps', ['*'], 'v1');
    subs.durham = await subscribe('police-durham', '/durham', ['*']);
    await putCase('X200001', 'nps-north-east', { iom: { cohort: true, force: 'cleveland' } });
    await putCase('X200002', 'nps-north-east', {});
    await putCase('X200003', 'nps-north-east', { iom: { cohort: true, force: 'cleveland' }, restricted: true });
    await putCase('X200001', 'nps-north-east', {
      iom: { cohort: true, force: 'cleveland' },
      rosh: { overall: 'HIGH', children: 'LOW', public: 'HIGH', knownAdult: 'LOW', staff: 'LOW' },
    });
    await putCase('X200002', 'nps-north-east', { licenceConditions: ['Curfew 19:00-07:00'] });
    for (const s of Object.values(subs)) await drained(s.id);
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
    await new Promise((r) => receiver.close(r));
  });

  it("refuses a caller without the system role, and lists only the caller organisation's subscriptions", async () => {
    const r = await gw.call(
      'POST',
      '/subscriptions',
      { org: o('police-cleveland'), roles: ['iom-officer'] },
      { url: `${base}/x`, types: ['*'] },
    );
    expect(r.status).toBe(403);
    const list = await gw.call('GET', '/subscriptions', sys('police-cleveland'));
    expect(list.status).toBe(200);
    expect(list.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([subs.police.id]);
    expect(list.body.subscriptions[0]).not.toHaveProperty('secret');
  });

  it('delivers CloudEvents signed per Standard Webhooks, verifiable with the published key (v1a) and the subscription secret (v1)', async () => {
    const jwks = (await gw.http.get('/.well-known/jwks.json')).body as {
      keys: { kid: string; kty: string; crv?: string; x?: string }[];
    };
    const police = on('/police').filter((r) => r.status === 200);
    expect(police.length).toBeGreaterThan(0);
    for (const r of police) {
      const sig = String(r.headers['webhook-signature']);
      expect(sig).toMatch(/^v1a,/);
      const key = jwks.keys.find((k) => k.kid === r.headers['webhook-key-id']);
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
      const content = Buffer.from(
        `${String(r.headers['webhook-id'])}.${String(r.headers['webhook-timestamp'])}.${r.body}`,
      );
      const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key!.x! }, format: 'jwk' });
      expect(verify(null, content, pub, Buffer.from(sig.slice(4), 'base64'))).toBe(true);
      expect(verify(null, Buffer.concat([content, Buffer.from(' ')]), pub, Buffer.from(sig.slice(4), 'base64'))).toBe(
        false,
      );
      const e = JSON.parse(r.body) as Record<string, unknown>;
      expect(Object.keys(e).sort()).toEqual([
        'data',
        'datacontenttype',
        'id',
        'source',
        'specversion',
        'subject',
        'time',
        'type',
      ]);
      expect(e.specversion).toBe('1.0');
      expect(e.id).toBe(r.headers['webhook-id']);
      // Structured mode: a CloudEvents SDK reads application/json as binary mode and finds no ce-* headers.
      expect(r.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
      expect(r.body).not.toMatch(/McTestface|Testy|HIGH|Reside/);
    }
    const nps = on('/nps').filter((r) => r.status === 200);
    expect(nps.length).toBeGreaterThan(0);
    const key = Buffer.from(subs.nps.secret!.replace(/^whsec_/, ''), 'base64');
    for (const r of nps) {
      const expected = createHmac('sha256', key)
        .update(`${String(r.headers['webhook-id'])}.${String(r.headers['webhook-timestamp'])}.${r.body}`)
        .digest('base64');
      expect(r.headers['webhook-signature']).toBe(`v1,${expected}`);
    }
  });

  it('sends a police force only events about cases it could read, and each such delivery is in the access log', async () => {
    const police = delivered('/police');
    const caseEvents = police.filter((e) => e.type.startsWith('case.'));
    expect(caseEvents.map((e) => `${e.type} ${e.subject}`).sort()).toEqual([
      'case.rosh.changed X200001',
      'case.updated X200001',
      'case.updated X200001',
    ]);
    // The managing organisation hears of all three, including the restricted one.
    expect(
      new Set(
        delivered('/nps')
          .filter((e) => e.type.startsWith('case.'))
          .map((e) => e.subject),
      ),
    ).toEqual(new Set(['X200001', 'X200002', 'X200003']));
    // Another force, outside every relationship, hears of no case at all.
    expect(delivered('/durham').filter((e) => e.type.startsWith('case.'))).toEqual([]);
    const logged = await gw.sql<{ e: AccessLogEntryInput }>(
      `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries WHERE convert_from(entry, 'UTF8')::jsonb->>'action' = 'event.disclose'`,
    );
    const toPolice = logged.map((l) => l.e).filter((e) => e.recipientOrg === 'police-cleveland');
    for (const ev of caseEvents)
      expect(
        toPolice.filter((e) => e.resource.id === ev.id && e.crn === ev.subject && e.purpose === 'IOM'),
      ).toHaveLength(1);
    // Each entry names the attempt it preceded (a retried delivery is not several deliveries).
    for (const e of toPolice) expect(e.reason).toMatch(/ event, (webhook [0-9a-f-]+, attempt \d+|pull feed)$/);
  });

  it('GET /events returns the same filtered events, logs each CRN it names, and pages by cursor', async () => {
    const page = await gw.call('GET', '/events?after=0&limit=500', sys('police-cleveland'));
    expect(page.status).toBe(200);
    const events = page.body.events as { id: string; type: string }[];
    const pushed = new Set(delivered('/police').map((e) => e.id));
    // Everything pushed, plus only what happened before the subscription existed (the agreement's
    // request for signatures and its activation).
    expect(events.filter((e) => pushed.has(e.id))).toHaveLength(pushed.size);
    expect(events.filter((e) => !pushed.has(e.id)).map((e) => e.type)).toEqual([
      'agreement.signature-requested',
      'agreement.activated',
    ]);
    const next = await gw.call('GET', `/events?after=${page.body.nextCursor}`, sys('police-cleveland'));
    expect(next.body.events).toEqual([]);
    const bad = await gw.call('GET', '/events?after=abc', sys('police-cleveland'));
    expect(bad.status).toBe(400);
    const logged = await gw.sql(
      `SELECT 1 FROM access_log_entries WHERE convert_from(entry, 'UTF8')::jsonb->>'action' = 'event.disclose' AND convert_from(entry, 'UTF8')::jsonb->>'reason' LIKE '%pull feed'`,
    );
    expect(logged.length).toBe((page.body.events as { data: { crn?: string } }[]).filter((e) => e.data.crn).length);
  });

  it("has a change's event in the feed by the time the change is answered (no waiting for publication)", async () => {
    let cursor = '0';
    for (;;) {
      const page = await gw.call('GET', `/events?after=${cursor}&limit=500`, sys('police-cleveland'));
      cursor = page.body.nextCursor as string;
      if (!(page.body.events as unknown[]).length) break;
    }
    await putCase('X200009', 'nps-north-east', { iom: { cohort: true, force: 'cleveland' } });
    const page = await gw.call('GET', `/events?after=${cursor}`, sys('police-cleveland'));
    expect((page.body.events as { type: string; subject: string }[]).map((e) => `${e.type} ${e.subject}`)).toContain(
      'case.updated X200009',
    );
  });

  it('refuses subscription URLs that are not https or reach loopback, link-local or private addresses, naming url', async () => {
    for (const url of [
      'http://partner.example/hook',
      'https://10.1.2.3/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
      'https://[::ffff:192.168.0.1]/hook',
      'https://0.0.0.0/hook',
      'ftp://partner.example/x',
      'not a url',
      ' https://8.8.8.8/',
      'https://8.8.8.8/\t\n',
      'https://8.8.8.8\\@127.0.0.1/',
      'https://8.8.8.8:0/',
    ]) {
      const r = await gw.call('POST', '/subscriptions', sys('police-cleveland'), { url, types: ['*'] });
      expect({ url, status: r.status, field: r.body.errors?.[0]?.field }).toEqual({ url, status: 400, field: 'url' });
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('keeps and shows a subscription URL as parsed, in one reading', async () => {
    const r = await gw.call('POST', '/subscriptions', sys('police-cleveland'), {
      url: 'HTTPS://8.8.8.8:443/Hook',
      types: ['case.updated'],
    });
    expect([r.status, r.body.url]).toEqual([201, 'https://8.8.8.8/Hook']);
    const listed = (await gw.call('GET', '/subscriptions', sys('police-cleveland'))).body as {
      subscriptions: { id: string; url: string }[];
    };
    expect(listed.subscriptions.find((s) => s.id === r.body.id)?.url).toBe('https://8.8.8.8/Hook');
    expect((await gw.call('DELETE', `/subscriptions/${r.body.id}`, sys('police-cleveland'))).status).toBe(204);
  });

  it('does not follow a redirect (a 3xx is a failed attempt) and dead-letters after the maximum attempts; replay delivers it', async () => {
    behaviour.set('/redirect', { status: 302, location: `${base}/trap` });
    const s = await subscribe('nps-north-east', '/redirect', ['case.updated']);
    await putCase('X200004', 'nps-north-east', {});
    await eventually(
      'the event is dead-lettered',
      async () => (await gw.sql(`SELECT 1 FROM event_dead_letters WHERE subscription_id = $1`, [s.id])).length === 1,
    );
    expect(on('/redirect')).toHaveLength(3);
    expect(new Set(on('/redirect').map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(on('/trap')).toEqual([]);
    behaviour.delete('/redirect');
    const r = await gw.call('POST', `/subscriptions/${s.id}/replay`, sys('nps-north-east'));
    expect(r.body).toEqual({ id: s.id, requeued: 1 });
    await eventually('the replay is delivered', () => on('/redirect').some((x) => x.status === 200));
    expect(new Set(on('/redirect').map((x) => x.headers['webhook-id'])).size).toBe(1);
    const other = await gw.call('POST', `/subscriptions/${s.id}/replay`, sys('police-cleveland'));
    expect(other.status).toBe(404);
  });

  it('loses nothing while a receiver is down: retries with the same webhook-id until it answers', async () => {
    behaviour.set('/flaky', { status: 503 });
    const s = await subscribe('nps-north-east', '/flaky', ['case.licence-conditions.changed']);
    await putCase('X200002', 'nps-north-east', { licenceConditions: ['Curfew 20:00-07:00'] });
    await eventually('two failed attempts', () => on('/flaky').length >= 2);
    behaviour.delete('/flaky');
    await eventually('delivered once the receiver is up', () => on('/flaky').some((r) => r.status === 200));
    expect(new Set(on('/flaky').map((r) => r.headers['webhook-id'])).size).toBe(1);
    const attempts = await gw.sql<{ ok: boolean }>(
      `SELECT ok FROM event_delivery_attempts WHERE subscription_id = $1 ORDER BY id`,
      [s.id],
    );
    expect(attempts.at(-1)!.ok).toBe(true);
    expect(attempts.filter((a) => !a.ok).length).toBeGreaterThanOrEqual(1);
  });

  it('stops case events to a force at once when its agreement is suspended, and tells it of the suspension', async () => {
    const before = delivered('/police').length;
    const susp = await gw.call('POST', `/agreements/${iomAgreement}/suspend`, signatory(o('police-cleveland')), {
      reason: 'Suspected misuse under investigation',
    });
    expect(susp.status).toBe(200);
    await putCase('X200001', 'nps-north-east', { iom: { cohort: true, force: 'cleveland' }, tier: 'A1' });
    await drained(subs.police.id);
    const after = delivered('/police').slice(before);
    expect(after.map((e) => e.type)).toEqual(['agreement.suspended']);
    expect(
      delivered('/nps').some((e) => e.type === 'case.updated' && e.subject === 'X200001' && on('/nps').length > 0),
    ).toBe(true);
  });

  it('with two instances on one database, each event reaches a subscription exactly once when the receiver answers 2xx', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-events-2-'));
    const config = loadConfig({
      DATABASE_URL: gw.db.appUrl,
      DATA_DIR: dataDir,
      DEMO: 'false',
      LOG_LEVEL: 'error',
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      WEBHOOK_POLL_MS: '20',
      CHECKPOINT_INTERVAL_MS: '3600000',
    });
    const second = await createApp(config, {
      databaseUrl: gw.db.appUrl,
      logger: new JsonLogger('error', () => undefined),
    });
    try {
      const s = await subscribe('nps-north-east', '/twice', ['case.updated']);
      const first = BigInt(await maxSeq());
      for (let i = 0; i < 30; i++) await putCase('X200004', 'nps-north-east', { tier: i % 2 ? 'B1' : 'B2' });
      await drained(s.id);
      const expected = await gw.sql<{ id: string }>(
        `SELECT id::text FROM event_outbox WHERE seq > $1 AND type = 'case.updated'`,
        [String(first)],
      );
      const got = delivered('/twice').map((e) => e.id);
      expect(got).toHaveLength(expected.length);
      expect(new Set(got)).toEqual(new Set(expected.map((e) => e.id)));
      // Order kept: the receiver saw them in outbox order.
      const order = await gw.sql<{ id: string }>(
        `SELECT id::text FROM event_outbox WHERE seq > $1 AND type = 'case.updated' ORDER BY seq`,
        [String(first)],
      );
      expect(got).toEqual(order.map((e) => e.id));
    } finally {
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('DELETE /subscriptions/{id} stops deliveries; another organisation gets 404', async () => {
    expect((await gw.call('DELETE', `/subscriptions/${subs.durham.id}`, sys('police-cleveland'))).status).toBe(404);
    expect((await gw.call('DELETE', `/subscriptions/${subs.durham.id}`, sys('police-durham'))).status).toBe(204);
    const list = await gw.call('GET', '/subscriptions', sys('police-durham'));
    expect(list.body.subscriptions).toEqual([]);
  });
});
