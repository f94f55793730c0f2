import { GatewaySigner } from '../../src/shared/crypto/gateway-signer.js';
import { IdentityProviders, SignInService } from '../../src/modules/people/index.js';
import path from 'node:path';
import { startNodeScript, type StartedProcess } from '../../bench/lib/spawn.js';
import { DEMO_PASSWORD, demoClaimMapping } from '../../src/demo/demo-people.js';
import { freePort } from '../setup/polling.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { TestGateway } from '../setup/test-app.js';
import { Browser } from '../support/people.js';

describe('People sign in through their organisation identity provider (OpenID Connect)', () => {
  let gw: TestGateway;
  let idpProcess: StartedProcess;
  let base: string;
  /** The demo IdP, run as its own process (as an organisation's IdP is). */
  const idp = { issuer: '', clientId: (org: string) => `gateway-${org}` };

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS });
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    const port = await freePort();
    idp.issuer = `http://127.0.0.1:${port}`;
    idpProcess = await startNodeScript({
      script: path.resolve(import.meta.dirname, '../../dist/src/demo/demo-idp-main.js'),
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: {
        DEMO_IDP_PORT: String(port),
        GATEWAY_ORIGINS: base,
        GATEWAY_JWK: JSON.stringify(gw.app.get(GatewaySigner).publicJwk),
      },
      readyUrl: `${idp.issuer}/.well-known/openid-configuration`,
    });
    const store = gw.app.get(IdentityProviders);
    for (const o of DEMO_ORGANISATIONS)
      await store.register({
        orgId: o.id,
        issuer: idp.issuer,
        clientId: idp.clientId(o.id),
        mapping: demoClaimMapping(o.id),
      });
  });
  afterAll(async () => {
    await idpProcess?.stop();
    await gw?.close();
  });

  /** Signs `username` in from the gateway's sign-in link for `org`, through the IdP's form; answers the final page. */
  async function signIn(b: Browser, org: string, username: string, password = DEMO_PASSWORD, next?: string) {
    const start = await b.get(`${base}/sign-in/${org}${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.origin).toBe(idp.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const { res: form, url: formUrl } = await b.follow(start, base);
    expect(form.status).toBe(200);
    // Still signed in at the IdP (the same browser signing in again): no login form this time.
    if (new URL(formUrl).origin === base) return { res: form, url: formUrl };
    const html = await form.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1];
    const posted = await b.post(new URL(action, formUrl).href, { username, password });
    return b.follow(posted, new URL(action, formUrl).href);
  }

  it('an IOM officer signs in with the IdP form and lands on their home page; their account shows organisation, role, force', async () => {
    const b = new Browser();
    const { res: home, url } = await signIn(b, 'police-cleveland', 'iom-officer@police-cleveland');
    expect(url).toBe(`${base}/home`);
    expect(home.status).toBe(200);
    const tasks = await home.text();
    expect(tasks).toContain('PC Sam Hardy');
    expect(tasks).toContain('href="/find-a-person"');
    expect(tasks).toContain('href="/cohort"');
    expect(tasks).not.toContain('href="/requests/incoming"');
    const res = await b.get(`${base}/account`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('PC Sam Hardy');
    expect(html).toContain('iom-officer');
    expect(html).toContain('cleveland');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = b.cookie(base, '__Host-gateway-session');
    expect(cookie).toMatch(/^[\w-]{43}$/);
  });

  it('starts a sign-in at the contract route /auth/sign-in?org=: a redirect to the IdP with a PKCE S256 code challenge', async () => {
    const b = new Browser();
    const res = await b.get(`${base}/auth/sign-in?org=nps-north-east`);
    expect([302, 303]).toContain(res.status);
    const to = new URL(res.headers.get('location')!);
    expect(to.origin).toBe(idp.issuer);
    expect(to.searchParams.get('response_type')).toBe('code');
    expect(to.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('client_id')).toBe('gateway-nps-north-east');
    // No organisation, or one without a registered IdP: a page that says what to do, not a redirect.
    for (const url of [`${base}/auth/sign-in`, `${base}/auth/sign-in?org=nobody`]) {
      const refused = await b.get(url);
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('text/html');
      expect(await refused.text()).toContain('href="/sign-in"');
    }
  });

  it('goes back to the gateway page the sign-in started from (?next=), and never to another site', async () => {
    const b = new Browser();
    const choose = await (await b.get(`${base}/sign-in?next=/ig`)).text();
    expect(choose).toContain('href="/sign-in/police-durham?next=%2Fig"');
    const back = await b.follow(await b.get(`${base}/sign-in/police-durham?next=%2Fig`), base);
    const html = await back.res.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1];
    const posted = await b.post(new URL(action, back.url).href, {
      username: 'ig-reviewer@police-durham',
      password: DEMO_PASSWORD,
    });
    let res = posted;
    let url = new URL(action, back.url).href;
    while ([302, 303].includes(res.status) && !url.startsWith(`${base}/ig`)) {
      url = new URL(res.headers.get('location')!, url).href;
      res = await b.get(url);
    }
    expect(url).toBe(`${base}/ig`);
    const elsewhere = await signIn(
      new Browser(),
      'police-durham',
      'ig-reviewer@police-durham',
      DEMO_PASSWORD,
      '//evil.example/x',
    );
    expect(elsewhere.url).toBe(`${base}/home`);
  });

  it('sets the session cookie host-only, HttpOnly, Secure and SameSite=Lax, for the whole site', async () => {
    const b = new Browser();
    const start = await b.get(`${base}/sign-in/police-durham`);
    const { res: form, url } = await b.follow(start, `${base}/sign-in/police-durham`);
    const action = /action="([^"]+)"/.exec(await form.text())![1];
    let res = await b.post(new URL(action, url).href, {
      username: 'data-owner@police-durham',
      password: DEMO_PASSWORD,
    });
    let at = new URL(action, url).href;
    while (!res.headers.get('location')?.startsWith(`${base}/sign-in/callback`)) {
      at = new URL(res.headers.get('location')!, at).href;
      res = await b.get(at);
    }
    const callback = await b.get(res.headers.get('location')!);
    // The session's cookie; the sign-in attempt's (see the next test) is cleared beside it.
    const set = callback.headers
      .getSetCookie()
      .filter((c) => c.startsWith('__Host-gateway-session='))
      .join('\n');
    expect(set).toMatch(/^__Host-gateway-session=[\w-]+;/);
    expect(set).toMatch(/; Path=\//);
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; Secure/);
    expect(set).toMatch(/; SameSite=Lax/);
    expect(set).not.toMatch(/Domain=/i);
  });

  it('refuses a wrong password at the IdP, and a person of another organisation at this organisation’s sign-in', async () => {
    const b = new Browser();
    const wrong = await signIn(b, 'police-cleveland', 'iom-officer@police-cleveland', 'not-it');
    expect(wrong.res.status).toBe(200);
    expect(await wrong.res.text()).toContain('The username or password is not right.');
    const other = await signIn(new Browser(), 'police-cleveland', 'iom-officer@police-durham');
    expect(await other.res.text()).toContain('The username or password is not right.');
  });

  it('refuses a callback it did not start, or a state used twice, with a page that says what to do', async () => {
    const b = new Browser();
    const forged = await b.get(`${base}/sign-in/callback?code=abc&state=forged`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('This sign-in was started in another browser, or has expired.');
    const unknown = await b.get(`${base}/sign-in/no-such-org`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('People of this organisation cannot sign in here.');
  });

  it('finishes a sign-in only in the browser that began it: a callback link opened elsewhere signs nobody in', async () => {
    const a = new Browser();
    const start = await a.get(`${base}/sign-in/police-cleveland`);
    expect(start.headers.getSetCookie().join(';')).toMatch(
      /__Host-gateway-sign-in-[\w-]{12}=[\w-]{43}; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax/,
    );
    const { res: form, url: formUrl } = await a.follow(start, `${base}/sign-in/police-cleveland`);
    const action = new URL(/<form method="post" action="([^"]+)"/.exec(await form.text())![1], formUrl).href;
    // Through the IdP, stopping at its redirect back to the gateway: the link a person could send on.
    let res = await a.post(action, { username: 'iom-officer@police-cleveland', password: 'demo' });
    let url = action;
    while ([302, 303].includes(res.status)) {
      const next = new URL(res.headers.get('location')!, url).href;
      if (next.startsWith(`${base}/sign-in/callback`)) {
        url = next;
        break;
      }
      url = next;
      res = await a.get(next);
    }
    expect(url).toContain('/sign-in/callback?');
    const other = new Browser();
    const elsewhere = await other.get(url);
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('This sign-in was started in another browser');
    expect(other.cookie(base, '__Host-gateway-session')).toBeUndefined();
    // The browser that began it still finishes it.
    const here = await a.get(url);
    expect(here.status).toBe(303);
    expect(a.cookie(base, '__Host-gateway-session')).toBeDefined();
  });

  it('keeps each sign-in begun in one browser apart: two tabs, and a refused callback, leave the others alone', async () => {
    const b = new Browser();
    const stateOf = (res: Response) => new URL(res.headers.get('location')!).searchParams.get('state')!;
    const first = stateOf(await b.get(`${base}/sign-in/police-cleveland`));
    const second = stateOf(await b.get(`${base}/sign-in/police-cleveland`));
    const cookieOf = (state: string) => b.cookie(base, `__Host-gateway-sign-in-${state.slice(0, 12)}`);
    expect(cookieOf(first)).toBe(first);
    expect(cookieOf(second)).toBe(second);
    // A callback for a state this browser never began, then one whose code the IdP never issued.
    expect((await b.get(`${base}/sign-in/callback?code=x&state=${'A'.repeat(43)}`)).status).toBe(400);
    expect((await b.get(`${base}/sign-in/callback?code=forged&state=${first}`)).status).toBe(400);
    expect(cookieOf(first)).toBeUndefined();
    expect(cookieOf(second)).toBe(second);
  });

  it('maps only the roles the claim mapping grants and the organisation kind allows; none left is a refusal', async () => {
    // A mapping that grants nothing for the demo group makes the same person a stranger.
    const store = gw.app.get(IdentityProviders);
    await store.register({
      orgId: 'crc-northumbria',
      issuer: idp.issuer,
      clientId: idp.clientId('crc-northumbria'),
      mapping: { ...demoClaimMapping('crc-northumbria'), roles: { 'offender-manager': 'iom-officer' } },
    });
    const { res } = await signIn(new Browser(), 'crc-northumbria', 'offender-manager@crc-northumbria');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('no role at the gateway is granted to you');
    await store.register({
      orgId: 'crc-northumbria',
      issuer: idp.issuer,
      clientId: idp.clientId('crc-northumbria'),
      mapping: demoClaimMapping('crc-northumbria'),
    });
  });

  it('ends the session at sign-out (with the account page form token only), and then asks to sign in', async () => {
    const b = new Browser();
    await signIn(b, 'nps-north-east', 'offender-manager@nps-north-east');
    const token = /name="formToken" value="([^"]+)"/.exec(await (await b.get(`${base}/account`)).text())![1];
    const forged = await b.post(`${base}/sign-out`, { formToken: 'x'.repeat(token.length) });
    expect(forged.status).toBe(400);
    expect((await b.get(`${base}/account`)).status).toBe(200);
    const out = await b.post(`${base}/sign-out`, { formToken: token });
    expect(out.status).toBe(303);
    // A page saying so, which offers signing out at the IdP too (RP-Initiated Logout) and back.
    expect(out.headers.get('location')).toBe('/signed-out?org=nps-north-east');
    const signedOut = await (await b.get(`${base}/signed-out?org=nps-north-east`)).text();
    const link = /href="(http[^"]+)"/.exec(signedOut)![1].replace(/&amp;/g, '&');
    const atIdp = new URL(link);
    expect(atIdp.origin).toBe(idp.issuer);
    expect(atIdp.searchParams.get('client_id')).toBe(idp.clientId('nps-north-east'));
    expect(atIdp.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/`);
    const after = await b.get(`${base}/account`);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/sign-in');
    // The IdP asks to confirm (identified by client_id only); confirmed, it sends the browser back.
    const confirm = await b.get(atIdp.href);
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)![1];
    const fields = Object.fromEntries(
      [...page.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const confirmed = await b.post(new URL(action, atIdp).href, { ...fields, logout: 'yes' });
    const { url: back } = await b.follow(confirmed, new URL(action, atIdp).href);
    expect(back).toBe(`${base}/`);
    // The next sign-in in this browser asks for a password again (before, it went straight in).
    const again = await b.get(`${base}/sign-in/nps-north-east`);
    const { url: at } = await b.follow(again, `${base}/sign-in/nps-north-east`);
    expect(new URL(at).origin).toBe(idp.issuer);
  });

  it('ends sessions when the organisation changes its IdP registration, and after idle and absolute timeouts', async () => {
    const service = gw.app.get(SignInService);
    const b = new Browser();
    await signIn(b, 'crc-durham-tees-valley', 'data-owner@crc-durham-tees-valley');
    const id = b.cookie(base, '__Host-gateway-session')!;
    const now = Date.now();
    expect(await service.session(id, new Date(now + 29 * 60_000))).not.toBeNull();
    // Idle: 30 minutes after the last request.
    expect(await service.session(id, new Date(now + 29 * 60_000 + 30 * 60_000))).toBeNull();

    await signIn(b, 'crc-durham-tees-valley', 'data-owner@crc-durham-tees-valley');
    const id2 = b.cookie(base, '__Host-gateway-session')!;
    let t = now;
    // Busy every 25 minutes for 9 h 35 min: still signed in.
    for (let i = 0; i < 23; i++) expect(await service.session(id2, new Date((t += 25 * 60_000)))).not.toBeNull();
    // Absolute: 10 hours after sign-in, however busy.
    expect(await service.session(id2, new Date(t + 30 * 60_000))).toBeNull();

    await signIn(b, 'crc-durham-tees-valley', 'data-owner@crc-durham-tees-valley');
    const id3 = b.cookie(base, '__Host-gateway-session')!;
    expect(await service.session(id3)).not.toBeNull();
    await gw.app.get(IdentityProviders).register({
      orgId: 'crc-durham-tees-valley',
      issuer: idp.issuer,
      clientId: idp.clientId('crc-durham-tees-valley'),
      mapping: { ...demoClaimMapping('crc-durham-tees-valley'), attributes: { team: 'team' } },
    });
    expect(await service.session(id3)).toBeNull();
  });

  it('ends the session when the person signs out at the IdP (back-channel logout)', async () => {
    const b = new Browser();
    const { res } = await signIn(b, 'police-cleveland', 'ig-reviewer@police-cleveland');
    expect(res.status).toBe(200);
    expect((await b.get(`${base}/account`)).status).toBe(200);
    // RP-initiated logout at the IdP: it asks the person to confirm, then tells the gateway.
    const meta = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as {
      end_session_endpoint: string;
    };
    const end = await b.get(`${meta.end_session_endpoint}?client_id=${idp.clientId('police-cleveland')}`);
    const confirm = await end.text();
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(confirm)!;
    const fields = Object.fromEntries(
      [...form[2].matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const done = await b.post(new URL(form[1], meta.end_session_endpoint).href, { ...fields, logout: 'yes' });
    expect([200, 303]).toContain(done.status);
    const after = await b.get(`${base}/account`);
    expect(after.status).toBe(303);
  });

  it('refuses a back-channel logout token it cannot verify: 400 problem+json, no session ended', async () => {
    const b = new Browser();
    await signIn(b, 'police-durham', 'iom-officer@police-durham');
    for (const body of ['logout_token=not-a-jwt', 'other=1']) {
      const res = await fetch(`${base}/sign-in/police-durham/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    }
    expect((await b.get(`${base}/account`)).status).toBe(200);
  });
});
