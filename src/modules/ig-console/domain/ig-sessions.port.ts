import type { OrgKind, Role } from '@shared/auth/roles.js';
import type { IgSession } from './ig-session.js';

/**
 * Where console sessions are kept, shared by every gateway instance. The application layer and
 * the controllers depend on this port; the PostgreSQL adapter in infrastructure/ implements it.
 */
export abstract class IgSessions {
  /** Starts a session; returns the secret id for the cookie (never stored) and when it ends. */
  abstract create(
    who: { org: string; orgKind: OrgKind; sub: string; roles: readonly Role[]; kid: string | null },
    now?: Date,
  ): Promise<{ id: string; expiresAt: Date }>;

  /** The live session for a cookie value, or null; an expired one is deleted on sight. */
  abstract find(id: string, now?: Date): Promise<IgSession | null>;

  /** Ends the session with this cookie value, if there is one. */
  abstract delete(id: string): Promise<void>;

  /** Ends every session of an organisation; how many there were. */
  abstract deleteAllOf(org: string): Promise<number>;
}
