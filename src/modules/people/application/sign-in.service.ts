import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as oidc from 'openid-client';
import { randomBytes } from 'node:crypto';
import { GatewaySigner } from '@shared/crypto/gateway-signer.js';
import { mapClaims } from '../domain/claim-mapping.js';
import type { PersonSession } from '../domain/person-session.js';
import { IdentityProviders, type IdentityProvider } from '../domain/identity-providers.port.js';
import { PersonSessions } from '../domain/person-sessions.port.js';

/** A sign-in the gateway refuses, with words a person can act on (never the IdP's internals). */
export class SignInRefused extends Error {}

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** http is allowed only for an IdP on this machine (the demo's); any other must be https. */
function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/**
 * People sign in through their organisation's identity provider: OpenID Connect authorization
 * code flow with PKCE, state and nonce, the gateway authenticating itself to the IdP with
 * private_key_jwt (its own signing key, published at /.well-known/jwks.json). The ID token's
 * claims become roles and attributes through the organisation's claim mapping.
 */
@Injectable()
export class SignInService {
  /** IdP metadata per organisation and registration revision (discovery runs once per revision). */
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();
  private readonly jwks = new Map<string, JWTVerifyGetKey>();

  constructor(
    private readonly idps: IdentityProviders,
    private readonly sessions: PersonSessions,
    private readonly signer: GatewaySigner,
  ) {}

  /** Organisations whose people can sign in here, by name. */
  providers(): Promise<IdentityProvider[]> {
    return this.idps.list();
  }

  /**
   * Starts `orgId`'s sign-in; answers the IdP's authorization URL to send the browser to.
   * `returnTo`, a page of this gateway (see returnPath), is where the finished sign-in goes.
   */
  async begin(orgId: string, redirectUri: string, now = new Date(), returnTo: string | null = null): Promise<URL> {
    const idp = await this.idps.get(orgId);
    if (!idp) throw new SignInRefused('People of this organisation cannot sign in here.');
    const config = await this.configFor(idp);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = randomBytes(32).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    await this.sessions.beginAttempt(state, { orgId, codeVerifier, nonce, returnTo: returnPath(returnTo) }, now);
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
  }

  /**
   * Finishes a sign-in from the IdP's redirect back to `callbackUrl`: the state must be one this
   * gateway sent (once, within its lifetime), the code is exchanged with the PKCE verifier, and
   * the ID token must carry the nonce. Opens the person's session.
   */
  async finish(
    callbackUrl: URL,
    now = new Date(),
  ): Promise<{ id: string; expiresAt: Date; returnTo: string | null; session: MappedSummary }> {
    const state = callbackUrl.searchParams.get('state');
    const attempt = state ? await this.sessions.takeAttempt(state, now) : null;
    if (!attempt) throw new SignInRefused('This sign-in has expired or was already used. Please sign in again.');
    const idp = await this.idps.get(attempt.orgId);
    if (!idp) throw new SignInRefused('People of this organisation cannot sign in here.');
    if (callbackUrl.searchParams.has('error'))
      throw new SignInRefused('Your identity provider did not sign you in. Please try again.');
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(await this.configFor(idp), callbackUrl, {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: state!,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch {
      throw new SignInRefused('Your identity provider’s answer could not be verified. Please sign in again.');
    }
    const mapped = mapClaims(idp.orgKind, idp.mapping, claims ?? {});
    if (!mapped.ok) throw new SignInRefused(`You cannot sign in here: ${mapped.reason}.`);
    const sid = typeof claims?.sid === 'string' ? claims.sid : null;
    const { id, expiresAt } = await this.sessions.create(idp, mapped.person, sid, now);
    return {
      id,
      expiresAt,
      returnTo: attempt.returnTo ?? null,
      session: { org: idp.orgName, name: mapped.person.name ?? mapped.person.sub },
    };
  }

  session(id: string, now = new Date()): Promise<PersonSession | null> {
    return this.sessions.find(id, now);
  }

  signOut(id: string): Promise<void> {
    return this.sessions.end(id);
  }

  /**
   * Where to send the browser of a person who signed out of the gateway so that they sign out at
   * `orgId`'s IdP too (OpenID Connect RP-Initiated Logout 1.0, identified by `client_id`), coming
   * back to `postLogoutRedirect`: otherwise the next person at a shared computer who chooses that
   * organisation is signed in as them without a password. Null where the IdP publishes no
   * end_session_endpoint or cannot be reached: then only the gateway session has ended.
   */
  async endSessionUrl(orgId: string, postLogoutRedirect: string): Promise<{ url: URL; orgName: string } | null> {
    const idp = await this.idps.get(orgId);
    if (!idp) return null;
    try {
      const config = await this.configFor(idp);
      if (!config.serverMetadata().end_session_endpoint) return null;
      return {
        url: oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogoutRedirect }),
        orgName: idp.orgName,
      };
    } catch {
      return null;
    }
  }

  /**
   * OpenID Connect Back-Channel Logout 1.0: `orgId`'s IdP says a person signed out there. The
   * logout token must be signed by that IdP for this client, carry the logout event and no nonce,
   * and name a session (`sid`) or a subject (`sub`); those sessions end. Answers how many.
   */
  async backChannelLogout(orgId: string, logoutToken: string): Promise<number> {
    const idp = await this.idps.get(orgId);
    if (!idp) throw new SignInRefused('unknown organisation');
    const config = await this.configFor(idp);
    const meta = config.serverMetadata();
    if (!meta.jwks_uri) throw new SignInRefused('the identity provider publishes no keys');
    let jwks = this.jwks.get(meta.jwks_uri);
    if (!jwks) this.jwks.set(meta.jwks_uri, (jwks = createRemoteJWKSet(new URL(meta.jwks_uri))));
    try {
      const { payload } = await jwtVerify(logoutToken, jwks, {
        issuer: idp.issuer,
        audience: idp.clientId,
        maxTokenAge: '5m',
        requiredClaims: ['iat', 'jti', 'events'],
      });
      const events = payload.events as Record<string, unknown> | undefined;
      const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
      const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
      if (!events || typeof events[BACKCHANNEL_LOGOUT_EVENT] !== 'object' || 'nonce' in payload || (!sid && !sub))
        throw new SignInRefused('not a logout token');
      return await this.sessions.endAtIdp(idp.issuer, { sid, sub });
    } catch (e) {
      if (e instanceof SignInRefused) throw e;
      throw new SignInRefused('the logout token could not be verified');
    }
  }

  private configFor(idp: IdentityProvider): Promise<oidc.Configuration> {
    const key = `${idp.orgId}#${idp.revision}`;
    let config = this.configs.get(key);
    if (!config) {
      const issuer = new URL(idp.issuer);
      config = oidc.discovery(
        issuer,
        idp.clientId,
        // ID tokens signed RS256, the default of OpenID Connect Core for a client that names none.
        undefined,
        oidc.PrivateKeyJwt(this.signer.clientAssertionKey()),
        isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
      // A failed discovery is not kept: the next sign-in tries again.
      config.catch(() => this.configs.delete(key));
      this.configs.set(key, config);
    }
    return config;
  }
}

/**
 * A page of this gateway to return to after signing in, or null: only a path on this origin
 * (one leading slash, no scheme, host, backslash, query or fragment), so a link cannot send a
 * person who just signed in to another site.
 */
export function returnPath(raw: unknown): string | null {
  return typeof raw === 'string' && raw.length <= 200 && /^\/(?![/\\])[A-Za-z0-9._~\-/]*$/.test(raw) ? raw : null;
}

/** What a finished sign-in says about the person, for the page that greets them. */
export interface MappedSummary {
  org: string;
  name: string;
}
