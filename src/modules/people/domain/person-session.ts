import type { OrgKind, Role } from '@shared/auth/roles.js';

/** The cookie that carries a person's session id: host-only, whole site, HttpOnly, Secure, SameSite=Lax. */
export const PERSON_SESSION_COOKIE = '__Host-gateway-session';
/** A session ends after this long without a request (a person away from the screen). */
export const IDLE_TIMEOUT_MS = 30 * 60_000;
/** ... and after this long whatever happens (a working day). */
export const MAX_LIFETIME_MS = 10 * 60 * 60_000;
/** last_seen_at is written at most this often, so reads do not each write a row. */
export const TOUCH_INTERVAL_MS = 60_000;
/** A sign-in not finished at the IdP within this long must start again. */
export const SIGN_IN_ATTEMPT_TTL_MS = 10 * 60_000;

/** A signed-in person, as the gateway knows them for the length of their session. */
export interface PersonSession {
  org: string;
  orgKind: OrgKind;
  orgName: string;
  issuer: string;
  sub: string;
  name: string | null;
  roles: Role[];
  attributes: Record<string, string>;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** Whether a session is still live at `now`: within its lifetime and not idle too long. */
export function isLive(s: Pick<PersonSession, 'lastSeenAt' | 'expiresAt'>, now: Date): boolean {
  return now < s.expiresAt && now.getTime() - s.lastSeenAt.getTime() < IDLE_TIMEOUT_MS;
}
