import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { compactVerify, errors as joseErrors } from 'jose';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { ValidationException } from '@shared/errors/domain.exception.js';
import { findUnstorableText, parseJwsJson } from '@shared/http/storable-text.js';
import { Metrics } from '@shared/observability/metrics.js';
import { requestContext } from '@shared/observability/request-context.js';
import { AuthException, ForbiddenException, RateLimitedException } from './auth.exception.js';
import { IS_PUBLIC, REQUIRED_ROLES } from './decorators.js';
import { ORGANISATION_KEY_LOOKUP, type OrganisationKeyLookup } from './organisation-keys.port.js';
import type { AttrValue, Principal } from './principal.js';
import { OrganisationRateLimiter } from './rate-limiter.js';
import { ReplayStore } from './replay.store.js';
import { effectiveRoles, type Role } from './roles.js';

export const REQUEST_TOKEN_TYPE = 'gw-request+jwt';
const ALGORITHMS = ['ES256', 'EdDSA'] as const;
const MAX_LIFETIME_S = 300;
const SKEW_S = 60;
/** Header parameters that would make a verifier fetch or trust a key from the token itself. */
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'x5t', 'x5t#S256'];
const SUB = /^(user|system):[A-Za-z0-9._@:-]{1,128}$/;

export interface GuardedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer | string;
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
 * The one global guard: every route except @Public() ones needs a request token as API.md's
 * Authentication section describes. Checks run cheapest first; the replay record is written only
 * after the signature and every claim passed, so a forged token cannot burn someone's jti.
 */
@Injectable()
export class SignedRequestGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORGANISATION_KEY_LOOKUP) private readonly keys: OrganisationKeyLookup,
    private readonly replay: ReplayStore,
    private readonly metrics: Metrics,
    private readonly limiter: OrganisationRateLimiter,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<GuardedRequest>();
    try {
      req.principal = await this.authenticate(req);
    } catch (e) {
      if (e instanceof AuthException) this.metrics.authFailures.inc({ reason: e.reason });
      throw e;
    }
    const store = requestContext.getStore();
    if (store) {
      store.org = req.principal.org;
      store.actor = req.principal.sub;
    }
    const wait = this.limiter.take(req.principal.org);
    if (wait > 0) {
      this.metrics.rateLimited.inc({ org: req.principal.org });
      throw new RateLimitedException(wait);
    }
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required?.length && !required.some((r) => req.principal!.roles.includes(r))) {
      throw new ForbiddenException(`This action needs one of the roles: ${required.join(', ')}.`, 'role_required');
    }
    return true;
  }

  private async authenticate(req: GuardedRequest): Promise<Principal> {
    const auth = req.headers.authorization;
    if (typeof auth !== 'string' || !/^Bearer\s+\S/i.test(auth)) throw new AuthException('missing_token', 'A signed request token is required (Authorization: Bearer <JWT>).');
    const token = auth.replace(/^Bearer\s+/i, '').trim();
    if (Buffer.byteLength(token) > this.config.maxTokenBytes) throw new AuthException('token_too_large', `The request token is larger than ${this.config.maxTokenBytes} bytes.`);
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) throw new AuthException('malformed_token', 'The request token is not a compact JWS.');

    let header: Record<string, unknown>;
    let claims: Claims;
    try {
      const [h, p] = token.split('.');
      header = parseJwsJson(h) as Record<string, unknown>;
      claims = parseJwsJson(p) as Claims;
    } catch {
      throw new AuthException('malformed_token', 'The request token cannot be decoded (base64url of UTF-8 JSON).');
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new AuthException('malformed_token', 'The request token header is not a JSON object.');
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new AuthException('malformed_token', 'The request token payload is not a JSON object.');
    // Before anything reaches the database: iss and kid are looked up, jti is stored, and sub,
    // roles, attrs and reason go into access-log entries written in shared batches.
    const unstorable = findUnstorableText(header, 'token.header') ?? findUnstorableText(claims, 'token');
    if (unstorable) throw new ValidationException([unstorable], `The request token holds text that cannot be accepted: ${unstorable.field}.`);
    if (header.typ !== REQUEST_TOKEN_TYPE) throw new AuthException('wrong_type', `The token type must be ${REQUEST_TOKEN_TYPE}.`);
    if (!ALGORITHMS.includes(header.alg as (typeof ALGORITHMS)[number])) throw new AuthException('algorithm_not_allowed', 'Only ES256 and EdDSA signatures are accepted.');
    if (FORBIDDEN_HEADERS.some((h) => h in header)) throw new AuthException('forbidden_header', 'Keys are never taken from the token (jku, x5u, jwk, x5c are refused).');
    if ('crit' in header) throw new AuthException('unknown_critical_header', 'The token names critical header parameters this gateway does not understand.');
    if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 128) throw new AuthException('unknown_key', 'The token has no usable kid.');
    if (typeof claims.iss !== 'string' || claims.iss.length > 64) throw new AuthException('invalid_claims', 'The iss claim must name a registered organisation.');

    const key = await this.keys.findActiveKey(claims.iss, header.kid);
    if (!key || key.alg !== header.alg) throw new AuthException('unknown_key', 'The key named by kid is not an active key of the issuing organisation.');
    try {
      await compactVerify(token, key.key, { algorithms: [key.alg] });
    } catch (e) {
      if (e instanceof joseErrors.JOSEError && e.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw new AuthException('bad_signature', 'The token signature does not verify.');
      throw new AuthException('bad_signature', 'The token signature cannot be verified.');
    }

    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = claims;
    if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isFinite(iat) || !Number.isFinite(exp)) throw new AuthException('invalid_claims', 'The iat and exp claims are required numbers.');
    if (claims.aud !== this.config.gatewayId && !(Array.isArray(claims.aud) && claims.aud.length === 1 && claims.aud[0] === this.config.gatewayId)) {
      throw new AuthException('wrong_audience', `The aud claim must be ${this.config.gatewayId}.`);
    }
    if (exp - iat > MAX_LIFETIME_S || exp <= iat) throw new AuthException('lifetime_too_long', `A request token may live at most ${MAX_LIFETIME_S} seconds.`);
    if (iat > now + SKEW_S) throw new AuthException('issued_in_future', 'The token was issued in the future.');
    if (exp < now - SKEW_S) throw new AuthException('expired', 'The token has expired.');
    if (typeof claims.nbf === 'number' && claims.nbf > now + SKEW_S) throw new AuthException('invalid_claims', 'The token is not valid yet.');
    if (typeof claims.jti !== 'string' || claims.jti.length < 8 || claims.jti.length > 128) throw new AuthException('invalid_claims', 'The jti claim is required (8 to 128 characters).');
    if (typeof claims.sub !== 'string' || !SUB.test(claims.sub)) throw new AuthException('invalid_claims', 'The sub claim must be user:<id> or system:<id>.');
    if (claims.htm !== req.method) throw new AuthException('method_mismatch', 'The htm claim does not match the request method.');
    if (claims.htu !== req.url) throw new AuthException('uri_mismatch', 'The htu claim does not match the request path and query.');
    this.checkBodyHash(req, claims.bsh);
    const roles = this.parseRoles(claims.roles);
    const attrs = this.parseAttrs(claims.attrs);
    if (claims.reason !== undefined && (typeof claims.reason !== 'string' || claims.reason.length > 1000)) throw new AuthException('invalid_claims', 'The reason claim must be a string of at most 1000 characters.');
    if (claims.breakGlass !== undefined && typeof claims.breakGlass !== 'boolean') throw new AuthException('invalid_claims', 'The breakGlass claim must be a boolean.');

    if (!(await this.replay.claim(claims.iss, claims.jti, new Date(exp * 1000)))) throw new AuthException('replayed', 'This request token has already been used.');

    return {
      org: key.orgId,
      orgKind: key.orgKind,
      sub: claims.sub,
      roles: effectiveRoles(key.orgKind, roles),
      claimedRoles: roles,
      attrs,
      reason: typeof claims.reason === 'string' && claims.reason.trim() ? claims.reason.trim() : undefined,
      breakGlass: claims.breakGlass === true,
      jti: claims.jti,
      requestId: req.id,
      kid: key.kid,
    };
  }

  private checkBodyHash(req: GuardedRequest, bsh: unknown): void {
    const raw = req.rawBody;
    const length = raw === undefined ? 0 : typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
    if (length === 0 && bsh === undefined) return;
    const digest = createHash('sha256')
      .update(raw ?? '')
      .digest('base64url');
    if (bsh !== digest) throw new AuthException('body_hash_mismatch', length ? 'The bsh claim does not match the request body.' : 'The bsh claim does not match the empty body.');
  }

  private parseRoles(v: unknown): string[] {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.length > 16 || !v.every((r) => typeof r === 'string' && r.length <= 64)) throw new AuthException('invalid_claims', 'The roles claim must be an array of role names.');
    return v as string[];
  }

  private parseAttrs(v: unknown): Record<string, AttrValue> {
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new AuthException('invalid_claims', 'The attrs claim must be an object.');
    const out: Record<string, AttrValue> = Object.create(null);
    const entries = Object.entries(v);
    if (entries.length > 32) throw new AuthException('invalid_claims', 'The attrs claim has too many attributes.');
    for (const [k, val] of entries) {
      if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(k)) throw new AuthException('invalid_claims', 'Attribute names must be simple identifiers.');
      const ok =
        (typeof val === 'string' && val.length <= 256) ||
        (typeof val === 'number' && Number.isFinite(val)) ||
        typeof val === 'boolean' ||
        (Array.isArray(val) && val.length <= 32 && val.every((x) => typeof x === 'string' && x.length <= 256));
      if (!ok) throw new AuthException('invalid_claims', `Attribute ${k} must be a string, number, boolean or list of strings.`);
      out[k] = val as AttrValue;
    }
    return { ...out };
  }
}
