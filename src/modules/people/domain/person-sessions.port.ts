import type { MappedPerson } from './claim-mapping.js';
import type { IdentityProvider } from './identity-providers.port.js';
import type { PersonSession } from './person-session.js';

/** A sign-in sent to the IdP and not yet answered. */
export interface SignInAttempt {
  orgId: string;
  codeVerifier: string;
  nonce: string;
  /** The gateway page to go back to once signed in (a path checked by returnPath), if any. */
  returnTo?: string | null;
}

/**
 * Where sign-ins in flight and people's sessions are kept, shared by every instance. A session
 * lasts only as long as what opened it: `find` refuses one whose organisation is no longer ACTIVE
 * or whose IdP registration changed.
 */
export abstract class PersonSessions {
  /** Records a sign-in sent to the IdP, under its `state`. */
  abstract beginAttempt(state: string, a: SignInAttempt, now: Date): Promise<void>;

  /** The attempt sent with `state`, used up (a state answers once); null when unknown or too old. */
  abstract takeAttempt(state: string, now: Date): Promise<SignInAttempt | null>;

  /** Opens a session; answers the secret id for the cookie (never stored) and when it ends at the latest. */
  abstract create(
    idp: IdentityProvider,
    person: MappedPerson,
    sid: string | null,
    now: Date,
  ): Promise<{ id: string; expiresAt: Date }>;

  /** The live session for a cookie value, or null; one that is over is deleted on sight. */
  abstract find(id: string, now: Date): Promise<PersonSession | null>;

  /** Ends the session with this cookie value (sign-out). */
  abstract end(id: string): Promise<void>;

  /** Ends the sessions an IdP's back-channel logout names (its `sid`, its `sub`, or both; one at least); answers how many. */
  abstract endAtIdp(issuer: string, by: { sid?: string; sub?: string }): Promise<number>;
}
