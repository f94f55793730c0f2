import path from 'node:path';
import { startNodeScript, type StartedProcess } from '../../bench/lib/spawn.js';
import { DEMO_PASSWORD, demoClaimMapping } from '../../src/demo/demo-people.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { IdentityProviders } from '../../src/modules/people/index.js';
import { GatewaySigner } from '../../src/shared/crypto/gateway-signer.js';
import { freePort } from '../setup/polling.js';
import type { TestGateway } from '../setup/test-app.js';

/**
 * What the page tests need to act as people: a cookie-keeping HTTP client (a browser without
 * JavaScript), the demo identity provider as its own process registered for every demo
 * organisation, and a sign-in through that IdP's real login form.
 */
export /** A browser's cookies, per origin (enough for two loopback servers on different ports). */
class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const cookies = this.jar.get(u.origin) ?? new Map<string, string>();
    const res = await fetch(u, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (attrs.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim())) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(u.origin, cookies);
    return res;
  }

  post(url: string, form: Record<string, string>): Promise<Response> {
    return this.get(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Follows redirects from `res` (a browser's GET after 302/303), returning the first non-redirect answer and where it came from. */
  async follow(res: Response, from: string): Promise<{ res: Response; url: string }> {
    let url = from;
    while ([301, 302, 303].includes(res.status)) {
      url = new URL(res.headers.get('location')!, url).href;
      res = await this.get(url);
    }
    return { res, url };
  }

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }
}

/** The demo IdP (dist/src/demo/demo-idp-main.js, built by the test setup) serving `gatewayBase`, registered for every demo organisation. */
export async function startDemoIdp(
  gw: TestGateway,
  gatewayBase: string,
): Promise<{ issuer: string; process: StartedProcess }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const process = await startNodeScript({
    script: path.resolve(import.meta.dirname, '../../dist/src/demo/demo-idp-main.js'),
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      DEMO_IDP_PORT: String(port),
      GATEWAY_ORIGINS: gatewayBase,
      GATEWAY_JWK: JSON.stringify(gw.app.get(GatewaySigner).publicJwk),
    },
    readyUrl: `${issuer}/.well-known/openid-configuration`,
  });
  const store = gw.app.get(IdentityProviders);
  for (const o of DEMO_ORGANISATIONS)
    await store.register({ orgId: o.id, issuer, clientId: `gateway-${o.id}`, mapping: demoClaimMapping(o.id) });
  return { issuer, process };
}

/**
 * Signs `username` (a demo person, e.g. `iom-officer@police-cleveland`) in from the gateway's
 * sign-in link for `org`, through the IdP's login form; answers the page the sign-in ends on.
 */
export async function signInThroughIdp(
  b: Browser,
  gatewayBase: string,
  org: string,
  username: string,
  password = DEMO_PASSWORD,
): Promise<{ res: Response; url: string }> {
  const start = await b.get(`${gatewayBase}/sign-in/${org}`);
  if (start.status !== 303) throw new Error(`sign-in for ${org} answered ${start.status}`);
  const { res: form, url: formUrl } = await b.follow(start, `${gatewayBase}/sign-in/${org}`);
  // Still signed in at the IdP (the same browser signing in again): no login form this time.
  if (new URL(formUrl).origin === new URL(gatewayBase).origin) return { res: form, url: formUrl };
  const html = await form.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error('the IdP served no login form');
  const posted = await b.post(new URL(action, formUrl).href, { username, password });
  return b.follow(posted, new URL(action, formUrl).href);
}

/** The form token of the page `html` (every form of a session's pages carries it). */
export function formTokenIn(html: string): string {
  const token = /name="formToken" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('the page has no form token');
  return token;
}
