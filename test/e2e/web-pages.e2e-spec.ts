import { TestGateway } from '../setup/test-app.js';

describe('Pages for people: GET / and their assets', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.close());

  it('GET / says what the gateway is and links the ways in, with no token', async () => {
    const res = await gw.http.get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<h1 class="govuk-heading-xl">Probation information-sharing gateway</h1>');
    for (const href of ['/ig', '/docs', '/.well-known/jwks.json', '/log/checkpoint', '/log/key'])
      expect(res.text).toContain(`href="${href}"`);
  });

  it('runs no inline script: the CSP allows only same-origin files, and the page has no script body', async () => {
    const res = await gw.http.get('/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const scripts = [...res.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/assets\//);
      expect(body.trim()).toBe('');
    }
    expect(res.text).not.toMatch(/\son[a-z]+=/i);
  });

  it('serves every stylesheet, script, font and image the page and its stylesheet name', async () => {
    const page = (await gw.http.get('/')).text;
    const css = (await gw.http.get('/assets/govuk/govuk-frontend.min.css')).text;
    const urls = new Set([
      ...[...page.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]),
      ...[...css.matchAll(/url\((\/assets\/[^)]+)\)/g)].map((m) => m[1]),
      '/assets/web/init.js',
    ]);
    expect(urls.size).toBeGreaterThan(5);
    for (const url of urls) {
      const res = await gw.http.get(url);
      expect([url, res.status]).toEqual([url, 200]);
    }
    const js = await gw.http.get('/assets/govuk/govuk-frontend.min.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it("serves nothing else of GOV.UK Frontend's folder, and refuses a climb out of it", async () => {
    for (const url of ['/assets/govuk/template.njk', '/assets/govuk/index.scss', '/assets/nothing.css']) {
      const res = await gw.http.get(url);
      expect([url, res.status, res.headers['content-type']]).toEqual([
        url,
        404,
        'application/problem+json; charset=utf-8',
      ]);
    }
    // @fastify/static refuses a path that climbs out with 403 before it looks for the file.
    for (const url of [
      '/assets/govuk/../package.json',
      '/assets/govuk/%2e%2e/%2e%2e/package.json',
      '/assets/web/../views/layout.njk',
    ]) {
      const res = await gw.http.get(url);
      expect([403, 404]).toContain(res.status);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.text).not.toContain('govuk-frontend');
    }
  });
});
