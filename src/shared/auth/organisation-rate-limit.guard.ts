import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyRateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppConfig } from '@config/app.config.js';
import { Metrics } from '@shared/observability/metrics.js';
import { RateLimitedException } from './auth.exception.js';
import type { Principal } from './principal.js';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * The plugin's fixed window, counted per organisation. Kept by hand because the plugin's
 * LocalStore answers every caller with the same mutable record, so requests that resume together
 * all read the latest count (measured: 8 concurrent requests with a burst of 3 let 1 through).
 * Keys are verified organisations, so the map holds at most one entry per registered one.
 */
class FixedWindowStore implements FastifyRateLimitStore {
  private readonly windows = new Map<string, { count: number; start: number }>();

  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
  ): void {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= timeWindow) {
      w = { count: 0, start: now };
      this.windows.set(key, w);
    }
    w.count += 1;
    callback(null, { current: w.count, ttl: w.start + timeWindow - now });
  }

  child(): FastifyRateLimitStore {
    return new FixedWindowStore();
  }
}

/**
 * Registers @fastify/rate-limit on the gateway's Fastify instance without hooks of its own
 * (`global: false`): OrganisationRateLimitGuard applies it once the caller is authenticated.
 * RATE_LIMIT_BURST requests per window of RATE_LIMIT_BURST / RATE_LIMIT_PER_SECOND seconds (the
 * plugin's fixed window): RATE_LIMIT_PER_SECOND on average, at most twice the burst across a
 * window's edge. Per instance: with N instances behind a balancer an organisation may send N
 * times this.
 */
export async function registerRateLimit(
  fastify: FastifyInstance,
  config: Pick<AppConfig, 'rateLimitPerSecond' | 'rateLimitBurst'>,
): Promise<void> {
  await fastify.register(fastifyRateLimit, {
    global: false,
    store: FixedWindowStore,
    max: config.rateLimitBurst,
    timeWindow: Math.max(1, Math.round((config.rateLimitBurst / config.rateLimitPerSecond) * 1000)),
  });
}

/** The organisation each request is counted against, for the plugin's key generator. */
const requestOrg = new WeakMap<object, string>();

/**
 * The per-organisation rate limit, one window per verified organisation shared by everything
 * that organisation does on this instance: its signed API calls and its staff's console calls.
 */
@Injectable()
export class OrganisationRateLimit {
  private limiter: Limiter | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: Metrics,
  ) {}

  /** Counts `req` against `org`'s window; throws RateLimitedException (429, Retry-After) when it is spent. */
  async take(req: FastifyRequest, org: string): Promise<void> {
    this.limiter ??= this.adapterHost.httpAdapter.getInstance<FastifyInstance>().createRateLimit({
      keyGenerator: (r) => requestOrg.get(r) ?? '',
    });
    requestOrg.set(req, org);
    const r = await this.limiter(req);
    if (!r.isAllowed && r.isExceeded) {
      this.metrics.rateLimited.inc({ org });
      throw new RateLimitedException(Math.max(1, r.ttlInSeconds));
    }
  }
}

/**
 * Applies the organisation's rate limit to signed requests, keyed by the verified issuer (the
 * principal that SignedRequestGuard set), never by anything the caller could choose unverified.
 * Public routes (no principal) are not limited here; the console's session guard takes from the
 * same limit itself.
 */
@Injectable()
export class OrganisationRateLimitGuard implements CanActivate {
  constructor(private readonly limit: OrganisationRateLimit) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const org = req.principal?.org;
    if (org !== undefined) await this.limit.take(req, org);
    return true;
  }
}
