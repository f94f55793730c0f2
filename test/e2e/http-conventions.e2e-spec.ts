import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { compactVerify, importJWK } from 'jose';
import type { Response } from 'supertest';
import { IS_PUBLIC } from '../../src/shared/auth/decorators.js';
import { GatewaySigner } from '../../src/shared/crypto/gateway-signer.js';
import { routesTakingNoQuery } from '../../src/shared/http/consumes.js';
import { aRequestToken } from '../factories/request-token.factory.js';
import { TestGateway } from '../setup/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function expectSecurityHeaders(res: Response): void {
  expect(res.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': expect.stringMatching(/^max-age=\d{7,}/),
    'cross-origin-resource-policy': 'same-origin',
    'content-security-policy': expect.stringMatching(/frame-ancestors 'none'/),
    'x-request-id': expect.any(String),
  });
  expect(res.headers['x-powered-by']).toBeUndefined();
}

interface RouteInfo {
  method: string;
  path: string;
  isPublic: boolean;
  excluded: boolean;
}

/** Every route the Nest application serves, read from controller metadata (so new modules are covered too). */
function appRoutes(gw: TestGateway): RouteInfo[] {
  const routes: RouteInfo[] = [];
  const join = (...parts: (string | undefined)[]) =>
    '/' +
    parts
      .flatMap((p) => (p ?? '').split('/'))
      .filter(Boolean)
      .join('/');
  for (const mod of gw.app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...a: unknown[]) => unknown) | null;
      if (!ctrl) continue;
      const base = Reflect.getMetadata(PATH_METADATA, ctrl) as string | string[] | undefined;
      for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
        const handler = (ctrl.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (sub === undefined || method === undefined) continue;
        for (const b of [base].flat())
          for (const s of [sub].flat()) {
            routes.push({
              method: RequestMethod[method].toLowerCase(),
              // A trailing wildcard (GET /log/tile/*) is named {path} in the OpenAPI document.
              path: join(b, s)
                .replace(/:([A-Za-z0-9_]+)/g, '{$1}')
                .replace(/\/\*$/, '/{path}'),
              isPublic: Boolean(Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, ctrl)),
              excluded: Boolean(
                Reflect.getMetadata('swagger/apiExcludeEndpoint', handler) ??
                Reflect.getMetadata('swagger/apiExcludeController', ctrl),
              ),
            });
          }
      }
    }
  }
  return routes;
}

describe('HTTP conventions', () => {
  let gw: TestGateway;
  const logs: string[] = [];

  beforeAll(async () => {
    gw = await TestGateway.start({ log: { level: 'debug', sink: (l) => logs.push(l) } });
  });
  afterAll(() => gw.close());

  const police = () => ({
    org: gw.orgs['police-cleveland'],
    sub: 'user:pc-101',
    roles: ['iom-officer'],
    reason: 'IOM review',
  });
  const admin = () => ({ org: gw.orgs.gateway, sub: 'user:admin-1', roles: ['gateway-admin'] });

  describe('security headers', () => {
    it('are on successes, refusals, unknown routes and public routes', async () => {
      expectSecurityHeaders(await gw.call('GET', '/organisations', police()));
      expectSecurityHeaders(await gw.http.get('/organisations'));
      expectSecurityHeaders(await gw.http.get('/no-such-route'));
      expectSecurityHeaders(await gw.http.get('/health'));
      expectSecurityHeaders(await gw.http.get('/.well-known/jwks.json'));
    });

    it('forbid caching unless a route allows it: no answer that holds case data or log entries is kept', async () => {
      const ig = { ...police(), roles: ['ig-reviewer'] };
      for (const [path, who] of [
        ['/organisations', police()],
        ['/exchange-requests?direction=outgoing', police()],
        ['/agreements', police()],
        ['/access-log', ig],
        ['/access-log/export.csv', ig],
      ] as const) {
        const res = await gw.call('GET', path, who);
        expect([path, res.status]).toEqual([path, 200]);
        expect([path, res.headers['cache-control']]).toEqual([path, 'no-store']);
      }
      expect((await gw.http.get('/no-such-route')).headers['cache-control']).toBe('no-store');
      expect((await gw.http.get('/.well-known/jwks.json')).headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    });

    it('lock API responses down with default-src none', async () => {
      const res = await gw.call('GET', '/organisations', police());
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    });
  });

  describe('x-request-id', () => {
    it('is generated when absent', async () => {
      const res = await gw.http.get('/health');
      expect(res.headers['x-request-id']).toMatch(UUID);
    });

    it('echoes a valid incoming id', async () => {
      const res = await gw.http.get('/health').set('x-request-id', 'lb-1234_abc.def:9');
      expect(res.headers['x-request-id']).toBe('lb-1234_abc.def:9');
    });

    it.each([['has spaces'], ['x'.repeat(65)], ['<script>alert(1)</script>'], ['a\u00e9b']])(
      'replaces an invalid incoming id (%s)',
      async (bad) => {
        const res = await gw.http.get('/health').set('x-request-id', bad);
        expect(res.headers['x-request-id']).toMatch(UUID);
      },
    );

    it('is the requestId of a problem document', async () => {
      const res = await gw.http.get('/organisations').set('x-request-id', 'trace-401');
      expect(res.status).toBe(401);
      expect(res.body.requestId).toBe('trace-401');
    });
  });

  describe('problem+json', () => {
    it('describes an unknown route as 404 {type,title,status,detail}', async () => {
      const res = await gw.http.get('/no-such-route');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toEqual({
        type: 'urn:probation-gateway:problem:route_not_found',
        title: 'Not found',
        status: 404,
        detail: expect.any(String),
        requestId: res.headers['x-request-id'],
      });
    });

    it('answers an unknown method on a known path the same way', async () => {
      const res = await gw.http.delete('/organisations');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('answers an over-long path parameter with 414 problem+json', async () => {
      const res = await gw.http.get(`/organisations/${'a'.repeat(300)}/keys`);
      expect(res.status).toBe(414);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('answers a malformed URL with problem+json', async () => {
      const res = await gw.http.get('/organisations/%E0%A4%A');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toEqual(
        expect.objectContaining({
          type: expect.any(String),
          title: expect.any(String),
          status: 400,
          detail: expect.any(String),
        }),
      );
    });

    it('refuses a query on every route that takes none, naming each parameter, before anything runs', async () => {
      const routes = [...routesTakingNoQuery(gw.app)];
      expect(routes).toEqual(expect.arrayContaining(['POST /cases/:crn/rectifications', 'DELETE /subscriptions/:id']));
      for (const route of routes) {
        const [method, path] = route.split(' ');
        const url = `${path.replace(/:[A-Za-z0-9_]+/g, 'X123456')}?dryRun=true&__proto__=1&=x`;
        const res = await gw.http[method.toLowerCase() as 'get'](url);
        expect([route, res.status, res.headers['content-type']]).toEqual([
          route,
          400,
          expect.stringMatching(/problem\+json/),
        ]);
        expect((res.body.errors as { field: string }[]).map((e) => e.field)).toEqual([
          'dryRun',
          '__proto__',
          '(query)',
        ]);
      }
      // Routes reading their own path or one named parameter refuse the rest in the same way.
      for (const url of ['/log/tile/0/000?x=1', '/log/checkpoint?size=1&foo=1', '/log/checkpoint?=x']) {
        const res = await gw.http.get(url);
        expect([url, res.status]).toEqual([url, 400]);
      }
      // Signed and allowed, a rectification with ?dryRun=true changes nothing.
      const nps = { org: gw.orgs['nps-north-east'], sub: 'system:ndelius', roles: ['system'] };
      const res = await gw.call('POST', '/cases/X123456/rectifications?dryRun=true', nps, {
        reason: 'typo',
        tier: 'B2',
      });
      expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, 'dryRun']);
    });
  });

  describe('what the HTTP layer cannot take', () => {
    /** Sends `head` (request line and headers) on a raw socket and reads the whole answer. */
    const raw = async (head: string): Promise<string> => {
      const server = gw.app.getHttpServer();
      if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const { port } = server.address() as import('node:net').AddressInfo;
      const net = await import('node:net');
      return new Promise((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.end(head));
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        socket.on('error', reject);
      });
    };

    it('answers an HTTP/1.1 request without Host with 400 problem+json', async () => {
      const answer = await raw('GET /health HTTP/1.1\r\nConnection: close\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(answer).toContain('urn:probation-gateway:problem:malformed_request');
    });

    it.each(['gzip', 'bogus'])(
      'refuses a body with Content-Encoding %s (415), and changes nothing',
      async (encoding) => {
        const body = JSON.stringify({ id: 'crc-encoded', kind: 'CRC', name: 'Encoded', region: 'North East' });
        const res = await gw.http
          .post('/organisations')
          .set('authorization', `Bearer ${await gw.token('POST', '/organisations', admin(), body)}`)
          .set('content-type', 'application/json')
          .set('content-encoding', encoding)
          .send(body);
        expect(res.status).toBe(415);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect((await gw.sql(`SELECT 1 FROM organisations WHERE id = 'crc-encoded'`)).length).toBe(0);
      },
    );
  });

  describe('OpenAPI', () => {
    let doc: {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          { security?: Record<string, unknown>[]; responses: Record<string, { content?: Record<string, unknown> }> }
        >
      >;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    };

    beforeAll(async () => {
      const res = await gw.http.get('/docs-json');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      doc = res.body;
    });

    it('serves the UI at /docs without a token', async () => {
      const page = await gw.http.get('/docs');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('swagger-ui');
      const bundle = await gw.http.get('/docs/assets/swagger-ui-bundle.js');
      expect(bundle.status).toBe(200);
      expect(bundle.headers['content-type']).toMatch(/^text\/javascript/);
      expect(bundle.headers['cache-control']).toBe('public, max-age=3600');
      expect((await gw.http.get('/docs/assets/docs-init.js')).text).toContain('SwaggerUIBundle');
      for (const path of ['/docs/assets/..%2Fpackage.json', '/docs/assets/package.json', '/docs/assets/index.html']) {
        const missing = await gw.http.get(path);
        expect([path, missing.status, missing.headers['content-type']]).toEqual([
          path,
          404,
          expect.stringMatching(/^application\/problem\+json/),
        ]);
      }
    });

    it('declares the signed-request bearer scheme', () => {
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes['signed-request']).toMatchObject({ type: 'http', scheme: 'bearer' });
    });

    it('describes every route of the app, with bearer security on every non-public route and problem responses', () => {
      const routes = appRoutes(gw);
      expect(routes.length).toBeGreaterThan(5);
      // Only these may stay out of the partner API document: the docs UI itself, the favicon,
      // the landing page, the IG console under /ig, people's sign-in and home, and the pages for
      // people (browser pages with their own sessions, and the IdPs' back-channel logout: not
      // callable with signed requests).
      const pages = [
        'ig',
        'sign-in',
        'sign-out',
        'signed-out',
        'account',
        'home',
        'auth/sign-in',
        'find-a-person',
        'cohort',
        'case',
        'requests',
        'signing',
      ];
      const pagePath = new RegExp(`^/(${pages.join('|')})(/|$)`);
      const undocumented = routes
        .filter((r) => r.excluded && !pagePath.test(r.path))
        .map((r) => `${r.method} ${r.path}`);
      expect(undocumented.sort()).toEqual(['get /', 'get /docs', 'get /docs/assets/docs-init.js', 'get /favicon.ico']);
      for (const r of routes.filter((x) => !x.excluded)) {
        const op = doc.paths[r.path]?.[r.method];
        expect({ route: `${r.method} ${r.path}`, documented: Boolean(op) }).toEqual({
          route: `${r.method} ${r.path}`,
          documented: true,
        });
        const route = `${r.method} ${r.path}`;
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400)
            expect({ route, status, content: Object.keys(response.content ?? {}) }).toEqual({
              route,
              status,
              content: ['application/problem+json'],
            });
        }
        const pathParams = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
        const declared = ((op as { parameters?: { in: string; name: string }[] }).parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        expect({ route, declared }).toEqual({ route, declared: pathParams });
        expect({ route, documented2xx: Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)) }).toEqual({
          route,
          documented2xx: true,
        });
        if (r.isPublic) {
          // Marked public explicitly: an operation without `security` would not say whether it needs a token.
          expect({ route, security: op.security }).toEqual({ route, security: [] });
          continue;
        }
        expect({ route, security: op.security }).toEqual({ route, security: [{ 'signed-request': [] }] });
        for (const status of ['401', '429', '503'])
          expect({ route, status, documented: status in op.responses }).toEqual({ route, status, documented: true });
      }
    });

    it('is the document `npm run lint:openapi` lints (written without a database by scripts/openapi.ts)', async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ['dist/scripts/openapi.js'], {
        maxBuffer: 16 * 1024 * 1024,
      });
      expect(JSON.parse(stdout)).toEqual(doc);
      // It loads the whole application in a new process: far slower than the other checks on a busy machine.
    }, 240_000);

    it('documents the 503 of /health as problem+json', () => {
      expect(Object.keys(doc.paths['/health'].get.responses['503']?.content ?? {})).toEqual([
        'application/problem+json',
      ]);
    });

    it('documents the organisations contract', () => {
      expect(Object.keys(doc.paths['/organisations']).sort()).toEqual(['get', 'post']);
      expect(Object.keys(doc.paths['/organisations/{id}/keys']).sort()).toEqual(['get', 'put']);
      expect(Object.keys(doc.paths['/organisations'].post.responses)).toEqual(
        expect.arrayContaining(['201', '400', '403', '409']),
      );
    });
  });

  describe('GET /metrics', () => {
    it('needs a signed request from gateway-admin', async () => {
      expect((await gw.http.get('/metrics')).status).toBe(401);
      expect((await gw.call('GET', '/metrics', { ...police(), roles: ['gateway-admin'] })).status).toBe(403);
      expect((await gw.call('GET', '/metrics', { org: gw.orgs.gateway, roles: ['ig-reviewer'] })).status).toBe(403);
    });

    it('counts requests by route pattern and status, and auth failures by reason', async () => {
      for (let i = 0; i < 3; i++) expect((await gw.call('GET', '/organisations', police())).status).toBe(200);
      const expired = await aRequestToken(gw.orgs['police-durham'], gw.config.gatewayId)
        .forRequest('GET', '/organisations')
        .issuedAt(-250)
        .expiresAt(-100)
        .sign();
      expect((await gw.http.get('/organisations').set('authorization', `Bearer ${expired}`)).status).toBe(401);
      expect((await gw.call('GET', '/organisations/nps-north-east/keys', police())).status).toBe(200);
      expect((await gw.http.get('/nowhere/X123456?purpose=IOM')).status).toBe(404);
      expect((await gw.call('GET', '/cases/X123456/summary?purpose=IOM', police())).status).toBeGreaterThanOrEqual(400);

      const res = await gw.call('GET', '/metrics', admin());
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      const value = (line: RegExp) =>
        Number(
          res.text
            .split('\n')
            .find((l) => line.test(l))
            ?.split(' ')
            .pop(),
        );
      expect(
        value(/^gateway_http_requests_total\{method="GET",route="\/organisations",status="200"\}/),
      ).toBeGreaterThanOrEqual(3);
      expect(
        value(/^gateway_http_requests_total\{method="GET",route="\/organisations\/:id\/keys",status="200"\}/),
      ).toBeGreaterThanOrEqual(1);
      expect(
        value(/^gateway_http_requests_total\{method="GET",route="\/organisations",status="401"\}/),
      ).toBeGreaterThanOrEqual(1);
      expect(value(/^gateway_auth_failures_total\{reason="expired"\}/)).toBeGreaterThanOrEqual(1);
      expect(
        value(/^gateway_http_request_duration_seconds_count\{method="GET",route="\/organisations",status="200"\}/),
      ).toBeGreaterThanOrEqual(3);
      // Routes are labelled by pattern and unmatched URLs share one label: paths hold CRNs.
      expect(res.text).toMatch(/route="unmatched"/);
      expect(res.text).toMatch(/route="\/cases\/:crn\/summary"/);
      expect(res.text).not.toMatch(/X123456/);
    });
  });

  describe('GET /.well-known/jwks.json', () => {
    it("is public and publishes the gateway's verification key, which verifies what the gateway signs", async () => {
      const res = await gw.http.get('/.well-known/jwks.json');
      expect(res.status).toBe(200);
      const signer = gw.app.get(GatewaySigner);
      const published = res.body.keys.find((k: { kid: string }) => k.kid === signer.kid);
      expect(published).toEqual(expect.objectContaining({ kid: signer.kid, alg: signer.alg, use: 'sig' }));
      for (const k of res.body.keys) expect(k).not.toHaveProperty('d');
      const jws = await signer.sign('checkpoint', 'test+jws');
      const { payload } = await compactVerify(jws, await importJWK(published, published.alg));
      expect(Buffer.from(payload).toString()).toBe('checkpoint');
    });
  });

  describe('structured logs', () => {
    it('are JSON lines with the request id, and never hold tokens or CRNs', async () => {
      logs.length = 0;
      const ok = await gw.http
        .get('/organisations')
        .set('x-request-id', 'log-check-1')
        .set('authorization', `Bearer ${await gw.token('GET', '/organisations', police())}`);
      expect(ok.status).toBe(200);
      const forged = await aRequestToken(gw.orgs['police-durham'], 'another-gateway')
        .forRequest('GET', '/organisations')
        .sign();
      expect((await gw.http.get('/organisations').set('authorization', `Bearer ${forged}`)).status).toBe(401);
      for (const path of [
        '/cases/X123456/summary?purpose=IOM',
        '/cases/Y654321?purpose=NONSENSE',
        '/nowhere/Z111111?crn=Z222222',
      ]) {
        const res = await gw.http.get(path).set('authorization', `Bearer ${await gw.token('GET', path, police())}`);
        expect(res.status).toBeGreaterThanOrEqual(400);
      }
      const body = {
        id: 'crc-z',
        kind: 'CRC',
        name: 'Case X123456',
        region: 'Z',
        jwks: { keys: [{ kty: 'EC', d: 'secret' }] },
      };
      expect((await gw.call('POST', '/organisations', admin(), body)).status).toBe(400);
      expect(
        (await gw.http.post('/organisations').set('content-type', 'application/json').send('{"crn": "X123456", '))
          .status,
      ).toBe(400);

      expect(logs.length).toBeGreaterThanOrEqual(5);
      const entries = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const e of entries)
        expect(e).toEqual(expect.objectContaining({ time: expect.any(String), level: expect.any(String) }));
      const requests = entries.filter((e) => e.msg === 'request');
      expect(requests.length).toBeGreaterThanOrEqual(5);
      for (const r of requests)
        expect(r).toEqual(
          expect.objectContaining({
            requestId: expect.any(String),
            route: expect.any(String),
            status: expect.any(Number),
          }),
        );
      expect(requests.find((r) => r.requestId === 'log-check-1')).toEqual(
        expect.objectContaining({
          org: 'police-cleveland',
          actor: 'user:pc-101',
          status: 200,
          route: '/organisations',
        }),
      );

      const text = logs.join('\n');
      expect(text).not.toContain('eyJ');
      expect(text).not.toMatch(/\b[A-Z]\d{6}\b/);
      expect(text).not.toMatch(/secret/);
    });
  });
});

describe('Rate limiting per organisation', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start({ env: { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '3' } });
  });
  afterAll(() => gw.close());

  it("answers 429 with Retry-After past an organisation's burst while another organisation is still served", async () => {
    const cleveland = { org: gw.orgs['police-cleveland'], roles: ['iom-officer'] };
    const results = await Promise.all(Array.from({ length: 8 }, () => gw.call('GET', '/organisations', cleveland)));
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(ok.length + limited.length).toBe(8);
    // A burst of 3 plus at most one token refilled during the burst.
    expect(ok.length).toBeGreaterThanOrEqual(3);
    expect(ok.length).toBeLessThanOrEqual(4);
    for (const r of limited) {
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.body).toEqual(
        expect.objectContaining({
          type: 'urn:probation-gateway:problem:rate_limited',
          status: 429,
          title: expect.any(String),
          detail: expect.any(String),
        }),
      );
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(r.headers['retry-after']).toMatch(/^\d+$/);
    }

    expect((await gw.call('GET', '/organisations', { org: gw.orgs['police-durham'] })).status).toBe(200);
  });
});
