import { isIP } from 'node:net';

/** Webhook delivery settings (issue 16). Read from the environment by loadConfig only. */
export interface EventsConfig {
  /**
   * WEBHOOK_ALLOW_HOSTS: host names, IP addresses or CIDR ranges a subscription URL may use even
   * though they are loopback, link-local or private, and with plain http. Empty: none.
   */
  readonly allowHosts: readonly string[];
  /** Whether this instance runs the delivery worker (WEBHOOK_DELIVERY, default true). */
  readonly deliveryEnabled: boolean;
  /** Attempts per event and subscription before it becomes a dead letter. */
  readonly maxAttempts: number;
  /** First retry delay; each further retry doubles it (with jitter), up to maxBackoffMs. */
  readonly backoffBaseMs: number;
  readonly maxBackoffMs: number;
  /** Whole-request timeout of one delivery (connect, send, response). */
  readonly timeoutMs: number;
  /** Deliveries in flight at once on this instance (each subscription has at most one). */
  readonly concurrency: number;
  /** How often an idle worker looks for work. */
  readonly pollMs: number;
}

type Env = Record<string, string | undefined>;

/** Thrown with the variable's name; loadConfig turns it into a ConfigError. */
export class EventsConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(problem);
  }
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return def;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max)
    throw new EventsConfigError(name, `must be an integer between ${min} and ${max} (got "${raw}")`);
  return n;
}

/** A host name, an IP address or an IP CIDR range (e.g. 127.0.0.1, 10.0.0.0/8, ::1, receiver.local). */
function isHostOrRange(v: string): boolean {
  const [addr, bits, ...rest] = v.split('/');
  if (rest.length) return false;
  if (bits !== undefined) {
    const family = isIP(addr);
    return family !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
  }
  return isIP(addr) !== 0 || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(addr);
}

export function loadEventsConfig(env: Env): EventsConfig {
  const allowHosts = (env.WEBHOOK_ALLOW_HOSTS ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const h of allowHosts)
    if (!isHostOrRange(h))
      throw new EventsConfigError(
        'WEBHOOK_ALLOW_HOSTS',
        `must be comma-separated host names, IP addresses or CIDR ranges (got "${h}")`,
      );
  const delivery = (env.WEBHOOK_DELIVERY ?? 'true').trim().toLowerCase();
  if (!['true', 'false', '1', '0', 'yes', 'no'].includes(delivery))
    throw new EventsConfigError('WEBHOOK_DELIVERY', `must be true or false (got "${delivery}")`);
  return {
    allowHosts,
    deliveryEnabled: ['true', '1', 'yes'].includes(delivery),
    maxAttempts: int(env, 'WEBHOOK_MAX_ATTEMPTS', 12, 1, 100),
    backoffBaseMs: int(env, 'WEBHOOK_BACKOFF_BASE_MS', 1000, 1, 3_600_000),
    maxBackoffMs: int(env, 'WEBHOOK_MAX_BACKOFF_MS', 3_600_000, 1, 86_400_000),
    timeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 5000, 50, 60_000),
    concurrency: int(env, 'WEBHOOK_CONCURRENCY', 32, 1, 1000),
    pollMs: int(env, 'WEBHOOK_POLL_MS', 250, 10, 60_000),
  };
}
