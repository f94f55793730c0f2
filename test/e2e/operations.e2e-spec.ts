import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Tracing } from '../../src/shared/observability/tracing.js';
import { eventually, freePort } from '../setup/polling.js';
import { TestGateway } from '../setup/test-app.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

function get(url: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
      })
      .on('error', reject);
  });
}

/** The request log lines (`msg: "request"`) a gateway wrote. */
const requestLines = (lines: string[]) =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');

describe('GET /metrics on METRICS_PORT (no signed request)', () => {
  let gw: TestGateway;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    gw = await TestGateway.start({ env: { METRICS_PORT: String(port) } });
  });
  afterAll(() => gw.close());

  it('serves the Prometheus registry on loopback to anyone who can reach it', async () => {
    expect((await gw.call('GET', '/organisations', { org: gw.orgs['police-cleveland'] })).status).toBe(200);
    const r = await get(`http://127.0.0.1:${port}/metrics`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain/);
    expect(r.body).toMatch(/^gateway_http_requests_total\{method="GET",route="\/organisations",status="200"\} 1$/m);
  });

  it('serves nothing else', async () => {
    expect((await get(`http://127.0.0.1:${port}/health`)).status).toBe(404);
    expect((await get(`http://127.0.0.1:${port}/organisations`)).status).toBe(404);
  });

  it("leaves the main port's /metrics as it was: a signed request by a gateway-admin", async () => {
    expect((await gw.http.get('/metrics')).status).toBe(401);
    expect((await gw.call('GET', '/metrics', { org: gw.orgs['police-cleveland'], roles: ['system'] })).status).toBe(
      403,
    );
    const admin = await gw.call('GET', '/metrics', { org: gw.orgs.gateway, roles: ['gateway-admin'] });
    expect(admin.status).toBe(200);
    expect(admin.text).toContain('gateway_http_requests_total');
  });
});

describe('W3C trace context (traceparent)', () => {
  let gw: TestGateway;
  const lines: string[] = [];

  beforeAll(async () => {
    gw = await TestGateway.start({ log: { level: 'info', sink: (l) => lines.push(l) } });
  });
  afterAll(() => gw.close());

  it('continues a valid incoming trace: its trace id is in the request log, beside x-request-id', async () => {
    const res = await gw.http.get('/health').set('traceparent', TRACEPARENT).set('x-request-id', 'trace-test-1');
    expect(res.headers['x-request-id']).toBe('trace-test-1');
    await eventually('the request is logged', () => requestLines(lines).some((l) => l.requestId === 'trace-test-1'));
    expect(requestLines(lines).find((l) => l.requestId === 'trace-test-1')).toMatchObject({
      traceId: TRACE_ID,
      route: '/health',
    });
  });

  it.each([
    ['absent', undefined],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['malformed', 'not-a-traceparent'],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
  ])('starts a new trace when the traceparent is %s', async (_what, header) => {
    const id = `trace-new-${Math.random().toString(36).slice(2)}`;
    const req = gw.http.get('/health').set('x-request-id', id);
    await (header ? req.set('traceparent', header) : req);
    await eventually('the request is logged', () => requestLines(lines).some((l) => l.requestId === id));
    const traceId = requestLines(lines).find((l) => l.requestId === id)!.traceId as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toMatch(/^0+$/);
    expect(traceId).not.toBe(TRACE_ID);
  });

  it('starts no exporter when OTEL_EXPORTER_OTLP_ENDPOINT is unset', () => {
    expect(gw.config.otlpEndpoint).toBeUndefined();
    expect(Tracing.create({ otlpEndpoint: undefined, serviceName: 'x' }).exporting).toBe(false);
  });
});

describe('OpenTelemetry export (OTEL_EXPORTER_OTLP_ENDPOINT) to an OTLP/HTTP receiver on loopback', () => {
  const received: { path: string; type: string | undefined; body: string }[] = [];
  let receiver: http.Server;
  let gw: TestGateway | undefined;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'], body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    await gw?.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it("exports a server span that continues the caller's trace, with the route and status", async () => {
    gw = await TestGateway.start({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}` },
    });
    const token = await gw.token('GET', '/organisations', { org: gw.orgs['police-cleveland'] });
    expect(
      (await gw.http.get('/organisations').set('authorization', `Bearer ${token}`).set('traceparent', TRACEPARENT))
        .status,
    ).toBe(200);
    // Closing the gateway flushes the batch of spans to the receiver.
    await gw.close();
    gw = undefined;
    await eventually('the receiver has an export', () => received.length > 0, 10_000);

    expect(received[0]).toMatchObject({ path: '/v1/traces', type: expect.stringMatching(/^application\/json/) });
    const spans: Record<string, unknown>[] = received.flatMap((r) => {
      const doc = JSON.parse(r.body) as {
        resourceSpans: { resource: unknown; scopeSpans: { spans: Record<string, unknown>[] }[] }[];
      };
      return doc.resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((s) => s.spans.map((span) => ({ ...span, resource: rs.resource }))),
      );
    });
    const span = spans.find((s) => s.name === 'GET /organisations');
    expect(span).toMatchObject({ traceId: TRACE_ID, parentSpanId: PARENT_ID, kind: 2 });
    expect(JSON.stringify(span!.attributes)).toContain('"http.response.status_code"');
    expect(JSON.stringify(span!.resource)).toContain('"service.name"');
  });
});
