import type { OrgKind, Role } from '@shared/auth/roles.js';

/** An idle console is signed out after this long... */
export const IDLE_TIMEOUT_MS = 30 * 60_000;
/** ...and every session ends this long after sign-in, however active. */
export const MAX_LIFETIME_MS = 8 * 3_600_000;
/** last_seen_at is written at most this often, so browsing is not one UPDATE per request. */
export const TOUCH_INTERVAL_MS = 60_000;

export const SESSION_COOKIE = 'ig_session';
/** Required on every state-changing console call: a cross-site form cannot set it (CSRF). */
export const CSRF_HEADER = 'x-ig-console';
/** Also required of a person signed in through their IdP: their session's form token (CSRF under a site-wide cookie). */
export const FORM_TOKEN_HEADER = 'x-ig-form-token';
/** The reason the console's reads are logged with. */
export const REVIEW_REASON = 'Information governance review (IG console)';

/** A signed-in information-governance reviewer. */
export interface IgSession {
  org: string;
  orgKind: OrgKind;
  sub: string;
  roles: Role[];
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** Whether the session may still be used at `now`. */
export function isLive(s: Pick<IgSession, 'lastSeenAt' | 'expiresAt'>, now: Date): boolean {
  return now.getTime() < s.expiresAt.getTime() && now.getTime() - s.lastSeenAt.getTime() < IDLE_TIMEOUT_MS;
}
