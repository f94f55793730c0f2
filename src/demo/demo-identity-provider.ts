import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { ClaimMapping } from '@modules/people/index.js';
import { DEMO_ORGANISATIONS } from './demo-organisations.js';
import { DEMO_PEOPLE, demoClaimMapping, type DemoPerson } from './demo-people.js';

export interface DemoIdentityProvider {
  issuer: string;
  /** The client id the gateway is registered under for `orgId`. */
  clientId(orgId: string): string;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on loopback, standing in for each
 * demo organisation's identity provider: one client per organisation, the gateway authenticating
 * with private_key_jwt (its public key `gatewayJwk`), PKCE required, back-channel logout to the
 * gateway. Its sign-in page accepts only the people of the organisation whose client asked.
 * Demo only: it keeps its state in memory and forgets it on restart.
 */
export async function startDemoIdentityProvider(opts: {
  gatewayOrigins: string[];
  gatewayJwk: JWK;
  host?: string;
  port?: number;
}): Promise<DemoIdentityProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = (orgId: string) => `gateway-${orgId}`;
  const [primary] = opts.gatewayOrigins;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'demo-idp-1', alg: 'RS256', use: 'sig' };

  const config: Configuration = {
    clients: DEMO_ORGANISATIONS.map((o) => ({
      client_id: clientId(o.id),
      client_name: o.name,
      redirect_uris: opts.gatewayOrigins.map((g) => `${g}/sign-in/callback`),
      post_logout_redirect_uris: opts.gatewayOrigins.map((g) => `${g}/`),
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: opts.gatewayJwk.alg === 'EdDSA' ? 'EdDSA' : 'ES256',
      jwks: { keys: [opts.gatewayJwk] },
      grant_types: ['authorization_code'],
      response_types: ['code'],
      backchannel_logout_uri: `${primary}/sign-in/${o.id}/backchannel-logout`,
      backchannel_logout_session_required: true,
    })),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['name', 'org', 'groups', 'force'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      // The gateway's sign-out sends the browser here (RP-Initiated Logout, by client_id): the
      // person confirms on a page like the sign-in page, and is sent back to the gateway.
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.set('content-security-policy', PAGE_POLICY);
          ctx.set('cache-control', 'no-store');
          ctx.body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign out (demo identity provider)</title></head>
<body>
<main>
<h1>Sign out here too?</h1>
<p>You have signed out of the probation information-sharing gateway. Sign out of this demonstration identity provider as well, so that the next person at this computer must give their own password.</p>
${form}
<p><button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button></p>
</main>
</body></html>`;
        },
      },
    },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
    findAccount: (_ctx: KoaContextWithOIDC, sub: string) => {
      const p = DEMO_PEOPLE.find((x) => subjectOf(x) === sub);
      if (!p) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, name: p.name, org: p.org, groups: [p.role], ...(p.force ? { force: p.force } : {}) }),
      };
    },
    // The gateway is the organisation's own service: its people are not asked to consent.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId,
      });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // oidc-provider refuses outgoing requests to loopback addresses (SSRF protection); the demo's
    // gateway is on loopback, so its back-channel logouts go out without that dispatcher.
    fetch: (url, options) => globalThis.fetch(url, { ...options, dispatcher: undefined } as RequestInit),
  };
  const provider = new Provider(issuer, config);
  provider.on('backchannel.error', (_ctx: unknown, err: Error, client: { clientId: string }) =>
    process.stderr.write(
      `demo-idp: back-channel logout to ${client.clientId} failed: ${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}\n`,
    ),
  );
  const handle = provider.callback();

  server.on('request', (req, res) => {
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
    if (!m) return void handle(req, res);
    void interaction(provider, req, res, m[2] === '/login').catch(() => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('This sign-in has expired. Go back to the gateway and start again.');
    });
  });

  return {
    issuer,
    clientId,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function subjectOf(p: DemoPerson): string {
  return `${p.role}.${p.org}`;
}

async function interaction(provider: Provider, req: http.IncomingMessage, res: http.ServerResponse, login: boolean) {
  const details = await provider.interactionDetails(req, res);
  const orgId = String(details.params.client_id).replace(/^gateway-/, '');
  const org = DEMO_ORGANISATIONS.find((o) => o.id === orgId);
  if (!org) throw new Error('unknown client');
  if (!login || req.method !== 'POST') return void page(res, 200, org.name, orgId, details.uid, null);
  const form = new URLSearchParams(await body(req));
  const person = DEMO_PEOPLE.find((p) => p.username === form.get('username') && p.org === orgId);
  if (!person || form.get('password') !== person.password)
    return void page(res, 200, org.name, orgId, details.uid, 'The username or password is not right.');
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: subjectOf(person) } },
    { mergeWithLastSubmission: false },
  );
}

function body(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      text += c;
      if (text.length > 10_000) req.destroy(new Error('too large'));
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The IdP's own pages: no script, its own styles only, forms posted here or back to a gateway on loopback. */
const PAGE_POLICY =
  "default-src 'none'; style-src 'self'; form-action 'self' http://127.0.0.1:* http://localhost:*; frame-ancestors 'none'";

/** The IdP's sign-in page, with the demo people of this organisation and their password. */
function page(
  res: http.ServerResponse,
  status: number,
  orgName: string,
  orgId: string,
  uid: string,
  error: string | null,
) {
  const people = DEMO_PEOPLE.filter((p) => p.org === orgId);
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': PAGE_POLICY,
  });
  res.end(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - ${escape(orgName)} (demo identity provider)</title></head>
<body>
<main>
<h1>${escape(orgName)}</h1>
<p>This is a demonstration identity provider standing in for your organisation's own. Sign in to continue to the probation information-sharing gateway.</p>
${error ? `<p role="alert" id="error"><strong>${escape(error)}</strong></p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<p><label for="username">Username</label><br><input id="username" name="username" autocomplete="username" required${error ? ' aria-describedby="error"' : ''}></p>
<p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in</button></p>
</form>
<h2>Demo people of ${escape(orgName)}</h2>
<table><thead><tr><th scope="col">Username</th><th scope="col">Password</th><th scope="col">Name</th><th scope="col">Job</th></tr></thead><tbody>
${people.map((p) => `<tr><td>${escape(p.username)}</td><td>${escape(p.password)}</td><td>${escape(p.name)}</td><td>${escape(p.job)}</td></tr>`).join('\n')}
</tbody></table>
</main>
</body></html>`);
}

/**
 * Demo mode: starts the demo identity provider and registers it as every demo organisation's, so
 * its people sign in at `<gateway>/sign-in`. `gatewayOrigins`: the origins a browser may use for
 * the gateway (each is a registered redirect URI; the first receives back-channel logouts).
 */
export async function startDemoSignIn(
  idps: { register(reg: { orgId: string; issuer: string; clientId: string; mapping: ClaimMapping }): Promise<void> },
  opts: { gatewayOrigins: string[]; gatewayJwk: JWK; port?: number },
): Promise<DemoIdentityProvider> {
  const idp = await startDemoIdentityProvider(opts);
  try {
    for (const o of DEMO_ORGANISATIONS)
      await idps.register({
        orgId: o.id,
        issuer: idp.issuer,
        clientId: idp.clientId(o.id),
        mapping: demoClaimMapping(o.id),
      });
  } catch (e) {
    await idp.close();
    throw e;
  }
  return idp;
}
