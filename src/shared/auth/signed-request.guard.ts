import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import {
  SignatureRefused,
  SIGNATURE_ALGORITHMS,
  verifyJwt,
  type SignatureRefusalReason,
} from '@shared/crypto/signature-checker.js';
import { ValidationException } from '@shared/errors/domain.exception.js';
import { Metrics } from '@shared/observability/metrics.js';
import { requestContext } from '@shared/observability/request-context.js';
import { AuthException, type AuthFailureReason } from './auth.exception.js';
import { IS_PUBLIC, READS_WITH_CLAIM, REQUIRED_ROLES, type ReadWithClaim } from './decorators.js';
import {
  ORGANISATION_KEY_LOOKUP,
  type OrganisationKeyLookup,
  type ResolvedOrganisationKey,
} from './organisation-keys.port.js';
import { ACTOR_SUBJECT, type AttrValue, type Principal } from './principal.js';
import { ReplayStore } from './replay.store.js';
import { allowsRoles, effectiveRoles, type Role } from './roles.js';

import { REQUEST_TOKEN_TYPE } from './request-token.js';

export { REQUEST_TOKEN_TYPE };
const MAX_LIFETIME_S = 300;
const SKEW_S = 60;

/** The signature checker's refusals as auth-failure reasons (the metric's labels and problem types). */
const AUTH_REASON: Record<SignatureRefusalReason, AuthFailureReason> = {
  malformed: 'malformed_token',
  unstorable_text: 'malformed_token',
  wrong_type: 'wrong_type',
  algorithm_not_allowed: 'algorithm_not_allowed',
  key_in_header: 'forbidden_header',
  unknown_critical_header: 'unknown_critical_header',
  unknown_key: 'unknown_key',
  key_algorithm_mismatch: 'unknown_key',
  bad_signature: 'bad_signature',
  invalid_claims: 'invalid_claims',
  wrong_audience: 'wrong_audience',
  expired: 'expired',
  issued_in_future: 'issued_in_future',
};

export interface GuardedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer | string;
  params?: Record<string, string | undefined>;
  principal?: Principal;
  id: string;
}

interface Claims {
  iss?: unknown;
  sub?: unknown;
  aud?: unknown;
  iat?: unknown;
  exp?: unknown;
  nbf?: unknown;
  jti?: unknown;
  htm?: unknown;
  htu?: unknown;
  bsh?: unknown;
  roles?: unknown;
  attrs?: unknown;
  reason?: unknown;
  breakGlass?: unknown;
}

/**
 * The global authentication guard: every route except @Public() ones needs a request token as
 * docs/api.md's Authentication section describes. The signature, header and registered claims are the
 * shared signature checker's; the binding to this request and the gateway's own claims are
 * checked here. The replay record is written only after every check passed, so a forged token
 * cannot burn someone's jti. Roles and the rate limit are later guards' (RolesGuard,
 * OrganisationRateLimitGuard), which run on the principal set here.
 */
@Injectable()
export class SignedRequestGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORGANISATION_KEY_LOOKUP) private readonly keys: OrganisationKeyLookup,
    private readonly replay: ReplayStore,
    private readonly metrics: Metrics,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<GuardedRequest>();
    try {
      req.principal = await this.authenticate(req, {
        read: this.reflector.get<ReadWithClaim | undefined>(READS_WITH_CLAIM, ctx.getHandler()),
        roles: this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [ctx.getHandler(), ctx.getClass()]),
      });
    } catch (e) {
      if (e instanceof AuthException) this.metrics.authFailures.inc({ reason: e.reason });
      throw e;
    }
    const store = requestContext.getStore();
    if (store) {
      store.org = req.principal.org;
      store.actor = req.principal.sub;
    }
    return true;
  }

  private async authenticate(
    req: GuardedRequest,
    route: { read?: ReadWithClaim; roles?: Role[] } = {},
  ): Promise<Principal> {
    const auth = req.headers.authorization;
    if (typeof auth !== 'string' || !/^Bearer\s+\S/i.test(auth))
      throw new AuthException('missing_token', 'A signed request token is required (Authorization: Bearer <JWT>).');
    const token = auth.replace(/^Bearer\s+/i, '').trim();
    if (Buffer.byteLength(token) > this.config.maxTokenBytes)
      throw new AuthException(
        'token_too_large',
        `The request token is larger than ${this.config.maxTokenBytes} bytes.`,
      );

    let claims: Claims;
    let key: ResolvedOrganisationKey;
    try {
      const verified = await verifyJwt(token, {
        typ: REQUEST_TOKEN_TYPE,
        audience: this.config.gatewayId,
        clockToleranceS: SKEW_S,
        maxAgeS: MAX_LIFETIME_S,
        requiredClaims: ['iss', 'iat', 'exp', 'jti'],
        key: (kid, unverified) => {
          if (typeof unverified.iss !== 'string' || unverified.iss.length > 64)
            throw new SignatureRefused('invalid_claims', 'The iss claim must name a registered organisation.', 'iss');
          return this.keys.findActiveKey(unverified.iss, kid);
        },
      });
      claims = verified.claims;
      key = verified.key;
    } catch (e) {
      // Text the replay store, key look-up and log entries could not store is bad input (400), named as token.<claim>.
      if (e instanceof SignatureRefused && e.reason === 'unstorable_text') {
        const field = `token.${e.parameter ?? ''}`;
        throw new ValidationException(
          [{ field, message: e.message }],
          `The request token holds text that cannot be accepted: ${field}.`,
        );
      }
      if (e instanceof SignatureRefused) throw new AuthException(AUTH_REASON[e.reason], this.refusalDetail(e));
      throw e;
    }

    // The checker has verified iat and exp are numbers, exp not past and iat not ahead (within the skew).
    const { iat, exp } = claims as { iat: number; exp: number };
    if (exp - iat > MAX_LIFETIME_S || exp <= iat)
      throw new AuthException('lifetime_too_long', `A request token may live at most ${MAX_LIFETIME_S} seconds.`);
    if (typeof claims.jti !== 'string' || claims.jti.length < 8 || claims.jti.length > 128)
      throw new AuthException('invalid_claims', 'The jti claim is required (8 to 128 characters).');
    if (typeof claims.sub !== 'string' || !ACTOR_SUBJECT.test(claims.sub))
      throw new AuthException('invalid_claims', 'The sub claim must be user:<id> or system:<id>.');
    if (claims.htm !== req.method)
      throw new AuthException('method_mismatch', 'The htm claim does not match the request method.');
    if (claims.htu !== req.url)
      throw new AuthException('uri_mismatch', 'The htu claim does not match the request path and query.');
    this.checkBodyHash(req, claims.bsh);
    const roles = this.parseRoles(claims.roles);
    const attrs = this.parseAttrs(claims.attrs);
    if (claims.reason !== undefined && (typeof claims.reason !== 'string' || claims.reason.length > 1000))
      throw new AuthException('invalid_claims', 'The reason claim must be a string of at most 1000 characters.');
    if (claims.breakGlass !== undefined && typeof claims.breakGlass !== 'boolean')
      throw new AuthException('invalid_claims', 'The breakGlass claim must be a boolean.');

    const effective = effectiveRoles(key.orgKind, roles);
    if (!(await this.replay.claim(key.orgId, claims.jti, new Date(exp * 1000), this.claimRead(req, route, effective))))
      throw new AuthException('replayed', 'This request token has already been used.');

    return {
      org: key.orgId,
      orgKind: key.orgKind,
      sub: claims.sub,
      roles: effective,
      claimedRoles: roles,
      attrs,
      reason: typeof claims.reason === 'string' && claims.reason.trim() ? claims.reason.trim() : undefined,
      breakGlass: claims.breakGlass === true,
      jti: claims.jti,
      requestId: req.id,
      kid: key.kid,
    };
  }

  /**
   * The route's claim read and its key (see ClaimReads), or none where the route's @Roles refuse
   * these roles anyway (RolesGuard answers 403 next): a caller the route turns away makes the
   * claim read nothing about the row it names. A key function that throws gives no key.
   */
  private claimRead(
    req: GuardedRequest,
    route: { read?: ReadWithClaim; roles?: Role[] },
    roles: readonly string[],
  ): { name: string; key: unknown } | undefined {
    if (!route.read || !allowsRoles(route.roles, roles)) return undefined;
    try {
      return { name: route.read.read, key: route.read.key(req) };
    } catch {
      return undefined;
    }
  }

  private refusalDetail(e: SignatureRefused): string {
    switch (e.reason) {
      case 'unstorable_text':
        return `The request token holds text that cannot be accepted: token.${e.parameter ?? ''} ${e.message}.`;
      case 'malformed':
        return `The request token is not a compact JWS with a JSON header and payload (${e.message}).`;
      case 'wrong_type':
        return `The token type must be ${REQUEST_TOKEN_TYPE}.`;
      case 'algorithm_not_allowed':
        return `Only ${SIGNATURE_ALGORITHMS.join(' and ')} signatures are accepted.`;
      case 'key_in_header':
        return 'Keys are never taken from the token (jku, x5u, jwk, x5c are refused).';
      case 'unknown_critical_header':
        return 'The token names critical header parameters this gateway does not understand.';
      case 'unknown_key':
      case 'key_algorithm_mismatch':
        return 'The key named by kid is not an active key of the issuing organisation.';
      case 'bad_signature':
        return 'The token signature does not verify.';
      case 'wrong_audience':
        return `The aud claim must be ${this.config.gatewayId}.`;
      case 'expired':
        return 'The token has expired.';
      case 'issued_in_future':
        return 'The token was issued in the future.';
      case 'invalid_claims':
        return e.parameter === 'iss' ? e.message : `The ${e.parameter ?? 'registered'} claim is missing or invalid.`;
    }
  }

  private checkBodyHash(req: GuardedRequest, bsh: unknown): void {
    const raw = req.rawBody;
    const length = raw === undefined ? 0 : typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
    if (length === 0 && bsh === undefined) return;
    const digest = createHash('sha256')
      .update(raw ?? '')
      .digest('base64url');
    if (bsh !== digest)
      throw new AuthException(
        'body_hash_mismatch',
        length ? 'The bsh claim does not match the request body.' : 'The bsh claim does not match the empty body.',
      );
  }

  private parseRoles(v: unknown): string[] {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.length > 16 || !v.every((r) => typeof r === 'string' && r.length <= 64))
      throw new AuthException('invalid_claims', 'The roles claim must be an array of role names.');
    return v as string[];
  }

  private parseAttrs(v: unknown): Record<string, AttrValue> {
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new AuthException('invalid_claims', 'The attrs claim must be an object.');
    const out = Object.create(null) as Record<string, AttrValue>;
    const entries = Object.entries(v);
    if (entries.length > 32) throw new AuthException('invalid_claims', 'The attrs claim has too many attributes.');
    for (const [k, val] of entries) {
      if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(k))
        throw new AuthException('invalid_claims', 'Attribute names must be simple identifiers.');
      const ok =
        (typeof val === 'string' && val.length <= 256) ||
        (typeof val === 'number' && Number.isFinite(val)) ||
        typeof val === 'boolean' ||
        (Array.isArray(val) && val.length <= 32 && val.every((x) => typeof x === 'string' && x.length <= 256));
      if (!ok)
        throw new AuthException(
          'invalid_claims',
          `Attribute ${k} must be a string, number, boolean or list of strings.`,
        );
      out[k] = val as AttrValue;
    }
    return { ...out };
  }
}
