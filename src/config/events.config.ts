import { existsSync, readFileSync } from 'node:fs';
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
  readonly email: EmailConfig;
}

/** Who is told by e-mail of what, per organisation (EMAIL_CONTACTS). */
export const EMAIL_AUDIENCES = ['data-owner', 'signatory', 'ig'] as const;
export type EmailAudience = (typeof EMAIL_AUDIENCES)[number];

/** E-mail notifications to people (issue 16). Read from the environment by loadEventsConfig only. */
export interface EmailConfig {
  /** SMTP_URL (`smtp://` or `smtps://`, credentials in the URL); undefined: no e-mail is sent or queued. */
  readonly smtpUrl: string | undefined;
  /** EMAIL_FROM: the From address. */
  readonly from: string;
  /** EMAIL_LINK_BASE: the gateway's public base URL the links in messages start with. */
  readonly linkBase: string;
  /** EMAIL_CONTACTS: per organisation, the addresses of its data owners, signatories and IG. */
  readonly contacts: Readonly<Record<string, Partial<Record<EmailAudience, readonly string[]>>>>;
  /** Attempts per message before it is given up on (EMAIL_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
  /** How often an instance turns new events into messages and sends due ones (EMAIL_POLL_MS). */
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

const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/;

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new EventsConfigError(name, 'must be a URL');
  }
  if (!protocols.includes(u.protocol))
    throw new EventsConfigError(name, `must use ${protocols.map((p) => p.replace(':', '')).join(' or ')}`);
  return raw;
}

function contacts(env: Env): EmailConfig['contacts'] {
  const raw = env.EMAIL_CONTACTS?.trim();
  if (!raw) return {};
  const shape = `{ "<organisation id>": { ${EMAIL_AUDIENCES.map((a) => `"${a}"`).join(', ')}: [addresses] } }`;
  let value: unknown;
  try {
    value = JSON.parse(raw.startsWith('{') ? raw : existsSync(raw) ? readFileSync(raw, 'utf8') : raw);
  } catch {
    throw new EventsConfigError('EMAIL_CONTACTS', `must be JSON ${shape} or the path of a file holding it`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new EventsConfigError('EMAIL_CONTACTS', `must be ${shape}`);
  for (const [org, byAudience] of Object.entries(value)) {
    if (typeof byAudience !== 'object' || byAudience === null || Array.isArray(byAudience))
      throw new EventsConfigError(
        'EMAIL_CONTACTS',
        `"${org}" must be an object of ${EMAIL_AUDIENCES.join(', ')} to address lists`,
      );
    for (const [audience, list] of Object.entries(byAudience as Record<string, unknown>)) {
      if (!(EMAIL_AUDIENCES as readonly string[]).includes(audience))
        throw new EventsConfigError('EMAIL_CONTACTS', `"${org}" has "${audience}": use ${EMAIL_AUDIENCES.join(', ')}`);
      if (!Array.isArray(list) || !list.every((a) => typeof a === 'string' && ADDRESS.test(a)))
        throw new EventsConfigError('EMAIL_CONTACTS', `"${org}"."${audience}" must be a list of e-mail addresses`);
    }
  }
  return value as EmailConfig['contacts'];
}

export function loadEmailConfig(env: Env): EmailConfig {
  const from = env.EMAIL_FROM?.trim() || 'probation-gateway@localhost';
  if (!ADDRESS.test(from)) throw new EventsConfigError('EMAIL_FROM', 'must be an e-mail address');
  return {
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    from,
    linkBase: (url(env, 'EMAIL_LINK_BASE', ['https:', 'http:']) ?? 'http://localhost:3000').replace(/\/+$/, ''),
    contacts: contacts(env),
    maxAttempts: int(env, 'EMAIL_MAX_ATTEMPTS', 10, 1, 100),
    pollMs: int(env, 'EMAIL_POLL_MS', 1000, 10, 60_000),
  };
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
    email: loadEmailConfig(env),
  };
}
