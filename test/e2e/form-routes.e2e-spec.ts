import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FORM } from '../../src/shared/http/form-body.js';
import { routesConsuming } from '../../src/shared/http/consumes.js';
import { TestGateway } from '../setup/test-app.js';

/**
 * Which routes take HTML form bodies comes from the handlers' @Consumes(FORM) alone (app.ts
 * installs the form parser on exactly those paths): a page's form works once its handler says
 * so, and every other route keeps refusing form bodies with 415.
 */
describe('routes that take HTML form bodies', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('are the page and back-channel routes marked @Consumes(FORM), in Fastify path form', () => {
    expect(routesConsuming(gw.app, FORM)).toEqual(
      [
        '/case/:crn',
        '/cohort',
        '/find-a-person',
        '/requests/incoming/:id',
        '/requests/new',
        '/requests/new/submit',
        '/sign-in/:org/backchannel-logout',
        '/sign-out',
        '/signing/:id',
        '/signing/keys',
        '/signing/keys/:kid/demo-approve',
        '/signing/keys/:kid/revoke',
      ].sort(),
    );
    expect(routesConsuming(gw.app, 'application/jose')).toContain('/exchange-requests');
  });

  it('parse a form body there (a sign-out without a session goes to the start page), and nowhere else', async () => {
    const page = await gw.http.post('/sign-out').type('form').send('csrf=x');
    expect(page.status).not.toBe(415);
    const api = await gw.http.post('/exchange-requests').type('form').send('a=b');
    expect(api.status).toBe(415);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('decode form fields strictly: bytes that are not UTF-8 are a 400 naming the field, not U+FFFD', async () => {
    const bad = await gw.http.post('/sign-out').type('form').send('formToken=%ff%fe');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'body.formToken', message: 'must be percent-encoded UTF-8' }]);
    const stray = await gw.http.post('/sign-out').type('form').send('a=100%');
    expect(stray.status).toBe(400);
    // Raw bytes too (a script, not a browser, sends them unencoded).
    const server = gw.app.getHttpServer();
    if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    const raw = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/sign-out', headers: { 'content-type': FORM } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(Buffer.from([0x61, 0x3d, 0x63, 0x61, 0x66, 0xe9])); // a=caf, then a lone 0xE9
    });
    expect(raw.status).toBe(400);
    expect((JSON.parse(raw.body) as { errors: unknown }).errors).toEqual([
      { field: 'body', message: 'must be valid UTF-8' },
    ]);
  });

  it('refuse a body of another media type before parsing it: malformed JSON to a JWS route is 415, not 400', async () => {
    for (const [path, body] of [
      ['/exchange-requests', 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln'],
      ['/exchange-requests', '{"valid":"json"}'],
      ['/sign-out', '{not json'],
    ]) {
      const res = await gw.http.post(path).set('content-type', 'application/json').send(body);
      expect(res.status).toBe(415);
      expect(res.body.type).toBe('urn:probation-gateway:problem:unsupported_media_type');
    }
    // A route that says nothing takes JSON as before.
    expect((await gw.http.post('/organisations').set('content-type', 'application/json').send('{x')).status).toBe(400);
  });
});
