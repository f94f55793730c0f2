import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { MappedPerson } from '../domain/claim-mapping.js';
import {
  IDLE_TIMEOUT_MS,
  isLive,
  MAX_LIFETIME_MS,
  SIGN_IN_ATTEMPT_TTL_MS,
  TOUCH_INTERVAL_MS,
  type PersonSession,
} from '../domain/person-session.js';
import type { IdentityProvider } from '../domain/identity-providers.port.js';
import { PersonSessions, type SignInAttempt } from '../domain/person-sessions.port.js';

/** SHA-256 of a secret (a session id, a sign-in state): what the tables hold instead of it. */
function hashOf(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

interface SessionRow extends Omit<PersonSession, 'createdAt' | 'lastSeenAt' | 'expiresAt'> {
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  /** The organisation is ACTIVE and its IdP registration is the one the session was opened under. */
  openedUnderLive: boolean;
}

/**
 * Sign-ins in flight and people's sessions in PostgreSQL, so every instance finishes every
 * sign-in and honours every sign-out. A session lasts only as long as what opened it: once its
 * organisation is no longer ACTIVE or its IdP registration changes, the query that finds it
 * refuses (and deletes) it, on every instance at the next request.
 */
@Injectable()
export class PersonSessionStore extends PersonSessions {
  constructor(private readonly db: DataSource) {
    super();
  }

  /** Records a sign-in sent to the IdP, under its `state`. */
  async beginAttempt(state: string, a: SignInAttempt, now: Date): Promise<void> {
    await this.db.query(`DELETE FROM sign_in_attempts WHERE created_at <= $1`, [
      new Date(now.getTime() - SIGN_IN_ATTEMPT_TTL_MS),
    ]);
    await this.db.query(
      `INSERT INTO sign_in_attempts (state_hash, org_id, code_verifier, nonce, return_to, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [hashOf(state), a.orgId, a.codeVerifier, a.nonce, a.returnTo ?? null, now],
    );
  }

  async takeAttempt(state: string, now: Date): Promise<SignInAttempt | null> {
    const [rows] = await this.db.query<
      [{ orgId: string; codeVerifier: string; nonce: string; returnTo: string | null; createdAt: Date }[], number]
    >(
      `DELETE FROM sign_in_attempts WHERE state_hash = $1
       RETURNING org_id AS "orgId", code_verifier AS "codeVerifier", nonce, return_to AS "returnTo", created_at AS "createdAt"`,
      [hashOf(state)],
    );
    const a = rows[0];
    if (!a || now.getTime() - a.createdAt.getTime() >= SIGN_IN_ATTEMPT_TTL_MS) return null;
    return { orgId: a.orgId, codeVerifier: a.codeVerifier, nonce: a.nonce, returnTo: a.returnTo };
  }

  async create(
    idp: IdentityProvider,
    person: MappedPerson,
    sid: string | null,
    now: Date,
  ): Promise<{ id: string; expiresAt: Date }> {
    const id = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + MAX_LIFETIME_MS);
    // Sweeps what isLive() refuses: past the end of its lifetime, or idle for IDLE_TIMEOUT_MS.
    await this.db.query(`DELETE FROM person_sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, [
      now,
      new Date(now.getTime() - IDLE_TIMEOUT_MS),
    ]);
    await this.db.query(
      `INSERT INTO person_sessions (id_hash, org_id, issuer, sub, sid, name, roles, attributes, idp_revision, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)`,
      [
        hashOf(id),
        idp.orgId,
        idp.issuer,
        person.sub,
        sid,
        person.name,
        person.roles,
        JSON.stringify(person.attributes),
        idp.revision,
        now,
        expiresAt,
      ],
    );
    return { id, expiresAt };
  }

  async find(id: string, now: Date): Promise<PersonSession | null> {
    const hash = hashOf(id);
    const [r] = await this.db.query<SessionRow[]>(
      `SELECT s.org_id AS org, o.kind AS "orgKind", o.name AS "orgName", s.issuer, s.sub, s.name, s.roles, s.attributes,
              s.created_at AS "createdAt", s.last_seen_at AS "lastSeenAt", s.expires_at AS "expiresAt",
              (o.status = 'ACTIVE' AND p.revision IS NOT DISTINCT FROM s.idp_revision AND p.issuer = s.issuer) AS "openedUnderLive"
         FROM person_sessions s JOIN organisations o ON o.id = s.org_id
         LEFT JOIN identity_providers p ON p.org_id = s.org_id
        WHERE s.id_hash = $1`,
      [hash],
    );
    if (!r) return null;
    if (!r.openedUnderLive || !isLive(r, now)) {
      await this.db.query(`DELETE FROM person_sessions WHERE id_hash = $1`, [hash]);
      return null;
    }
    if (now.getTime() - r.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS)
      await this.db.query(`UPDATE person_sessions SET last_seen_at = $2 WHERE id_hash = $1`, [hash, now]);
    const { openedUnderLive: _, ...session } = r;
    return { ...session, lastSeenAt: now };
  }

  async end(id: string): Promise<void> {
    await this.db.query(`DELETE FROM person_sessions WHERE id_hash = $1`, [hashOf(id)]);
  }

  async endAtIdp(issuer: string, by: { sid?: string; sub?: string }): Promise<number> {
    // Neither named would match every session of the issuer: a logout token always names one.
    if (by.sid === undefined && by.sub === undefined) return 0;
    const [, count] = await this.db.query<[unknown[], number]>(
      `DELETE FROM person_sessions WHERE issuer = $1 AND ($2::text IS NULL OR sid = $2) AND ($3::text IS NULL OR sub = $3)`,
      [issuer, by.sid ?? null, by.sub ?? null],
    );
    return count;
  }
}
