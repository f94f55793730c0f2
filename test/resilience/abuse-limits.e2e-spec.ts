import net from 'node:net';
import { TestGateway } from '../setup/test-app.js';
import { report, sleep } from './support/mode.js';

/** Low enough that 16 clients exceed it even on a loaded machine. */
const RATE = 5;
const REQUEST_TIMEOUT_MS = 1000;
const BODY_LIMIT = 64 * 1024;

/**
 * Abuse limits: a flood from one organisation is rate limited (429) while another organisation
 * keeps being served; page sizes are capped; an oversized token is 401, an oversized body 413;
 * a request that dribbles in is cut off after REQUEST_TIMEOUT_MS.
 */
describe('Abuse limits', () => {
  let gw: TestGateway;
  let port: number;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    gw = await TestGateway.start({
      env: {
        RATE_LIMIT_PER_SECOND: String(RATE),
        RATE_LIMIT_BURST: String(RATE),
        REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        BODY_LIMIT_BYTES: String(BODY_LIMIT),
      },
    });
    const server = gw.app.getHttpServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as net.AddressInfo).port;
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
    report('abuse-limits', figures);
  });

  it('a flood from one organisation gets 429 while another organisation keeps being served', async () => {
    const flooder = { org: gw.orgs['police-durham'], roles: ['system'] };
    const neighbour = { org: gw.orgs['police-cleveland'], roles: ['system'] };
    let flooding = true;
    const flood: { status: number; type: string; retryAfter?: string }[] = [];
    const workers = Array.from({ length: 16 }, async () => {
      while (flooding) {
        const r = await gw.call('GET', '/organisations', flooder);
        flood.push({ status: r.status, type: r.headers['content-type'], retryAfter: r.headers['retry-after'] });
      }
    });
    const neighbourStatuses: number[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < 4000) {
      neighbourStatuses.push((await gw.call('GET', '/organisations', neighbour)).status);
      await sleep(1000 / (RATE / 2)); // well within its own limit
    }
    flooding = false;
    await Promise.all(workers);
    const elapsedS = (Date.now() - t0) / 1000;
    const limited = flood.filter((f) => f.status === 429);
    const served = flood.filter((f) => f.status === 200).length;
    figures.flood = {
      seconds: +elapsedS.toFixed(1),
      flooderRequests: flood.length,
      flooder429: limited.length,
      flooder200: served,
      neighbourRequests: neighbourStatuses.length,
      neighbour200: neighbourStatuses.filter((s) => s === 200).length,
    };
    // A token bucket: at most the burst plus the rate for the time elapsed (two tokens of slack
    // for requests in flight at either end of the measured interval).
    expect(served).toBeLessThanOrEqual(RATE + RATE * elapsedS + 2);
    expect(limited.length).toBeGreaterThan(0);
    expect(flood.filter((f) => f.status !== 200 && f.status !== 429)).toEqual([]);
    for (const l of limited) {
      expect(l.type).toMatch(/^application\/problem\+json/);
      expect(l.retryAfter).toMatch(/^\d+$/);
    }
    expect(neighbourStatuses.filter((s) => s !== 200)).toEqual([]);
  }, 60_000);

  it('page sizes are capped: limit=100000 is refused or cut down', async () => {
    await sleep(1500); // let the buckets refill after the flood
    const ig = { org: gw.orgs.gateway, roles: ['ig-reviewer'] };
    const results: Record<string, number | string> = {};
    for (const p of [
      '/access-log?limit=100000',
      '/access-log?limit=-1',
      '/access-log?limit=1e9',
      '/exchange-requests?limit=100000',
      '/agreements?limit=100000',
    ]) {
      const who = p.startsWith('/exchange') ? { org: gw.orgs['police-cleveland'], roles: ['iom-officer'] } : ig;
      const r = await gw.call('GET', p, who);
      const items = (r.body.entries ??
        r.body.items ??
        r.body.requests ??
        (Array.isArray(r.body) ? r.body : undefined)) as unknown[] | undefined;
      results[p] = r.status === 200 ? `200 (${items?.length ?? '?'} items)` : r.status;
      expect([200, 400]).toContain(r.status);
      if (r.status === 400) expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (r.status === 200 && items) expect(items.length).toBeLessThanOrEqual(1000);
    }
    figures.pageSizes = results;
  });

  it('a token over 8 KiB is 401; a body over BODY_LIMIT_BYTES is 413', async () => {
    const o = { org: gw.orgs['police-cleveland'], roles: ['system'], attrs: { padding: 'x'.repeat(9000) } };
    const big = await gw.token('GET', '/organisations', o);
    expect(big.length).toBeGreaterThan(8192);
    const r = await gw.http.get('/organisations').set('authorization', `Bearer ${big}`);
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);

    const body = JSON.stringify({ title: 'x'.repeat(BODY_LIMIT + 10) });
    const signer = { org: gw.orgs['nps-north-east'], roles: ['dsa-signatory'] };
    const token = await gw.token('POST', '/agreements', signer, body);
    const tooBig = await gw.http
      .post('/agreements')
      .set('authorization', `Bearer ${token}`)
      .set('content-type', 'application/json')
      .send(body);
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers['content-type']).toMatch(/^application\/problem\+json/);
    figures.sizes = {
      tokenBytes: big.length,
      tokenStatus: r.status,
      bodyBytes: body.length,
      bodyStatus: tooBig.status,
    };
  });

  it(`a request that dribbles in is cut off after REQUEST_TIMEOUT_MS (${REQUEST_TIMEOUT_MS} ms)`, async () => {
    const t0 = Date.now();
    const answer = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', () => resolve(got));
      s.write(
        'POST /agreements HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{',
      );
      const drip = setInterval(() => (s.writable ? s.write(' ') : clearInterval(drip)), 200);
      s.on('close', () => clearInterval(drip));
      setTimeout(() => s.destroy(), 60_000);
    });
    const ms = Date.now() - t0;
    figures.slowRequest = { cutAfterMs: ms, answer: answer.split('\r\n')[0] };
    // The bound: the timeout, plus Node's connection check every second, plus slack for a busy machine.
    expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 3000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
  }, 90_000);
});
