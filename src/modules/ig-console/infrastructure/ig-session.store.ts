import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { OrgKind, Role } from '@shared/auth/roles.js';
import { IDLE_TIMEOUT_MS, isLive, MAX_LIFETIME_MS, TOUCH_INTERVAL_MS, type IgSession } from '../domain/ig-session.js';
import { IgSessions } from '../domain/ig-sessions.port.js';

interface SessionRow {
  org: string;
  org_kind: OrgKind;
  sub: string;
  roles: Role[];
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  /** The organisation is ACTIVE and the key that signed the sign-in (if any) is still one of its active keys. */
  opened_by_live: boolean;
}

/** SHA-256 of the cookie value: what the table holds instead of the secret itself. */
function hashOf(id: string): Buffer {
  return createHash('sha256').update(id, 'utf8').digest();
}

/**
 * Console sessions in PostgreSQL, so every gateway instance honours every sign-in and sign-out.
 * A session lasts only as long as what opened it: it is refused (and deleted) once the key that
 * signed its sign-in is revoked or rotated away or its organisation is no longer ACTIVE, checked
 * in the same query that finds it, so every instance sees the change at the next request.
 */
@Injectable()
export class IgSessionStore extends IgSessions {
  constructor(private readonly db: DataSource) {
    super();
  }

  /** Starts a session; returns the secret id for the cookie (never stored) and when it ends. */
  async create(
    who: { org: string; orgKind: OrgKind; sub: string; roles: readonly Role[]; kid: string | null },
    now = new Date(),
  ): Promise<{ id: string; expiresAt: Date }> {
    const id = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + MAX_LIFETIME_MS);
    // Sweeps what isLive() refuses: past the end of its lifetime, or idle for IDLE_TIMEOUT_MS.
    await this.db.query(`DELETE FROM ig_sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, [
      now,
      new Date(now.getTime() - IDLE_TIMEOUT_MS),
    ]);
    await this.db.query(
      `INSERT INTO ig_sessions (id_hash, org, org_kind, sub, roles, created_at, last_seen_at, expires_at, kid) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)`,
      [hashOf(id), who.org, who.orgKind, who.sub, [...who.roles], now, expiresAt, who.kid],
    );
    return { id, expiresAt };
  }

  /** The live session for a cookie value, or null; an expired one is deleted on sight. */
  async find(id: string, now = new Date()): Promise<IgSession | null> {
    const hash = hashOf(id);
    const rows: SessionRow[] = await this.db.query(
      `SELECT s.org, s.org_kind, s.sub, s.roles, s.created_at, s.last_seen_at, s.expires_at,
              (o.status = 'ACTIVE' AND (s.kid IS NULL OR EXISTS (
                 SELECT 1 FROM organisation_keys k WHERE k.org_id = s.org AND k.kid = s.kid AND k.revoked_at IS NULL))) AS opened_by_live
         FROM ig_sessions s JOIN organisations o ON o.id = s.org
        WHERE s.id_hash = $1`,
      [hash],
    );
    if (!rows.length) return null;
    const r = rows[0];
    const session: IgSession = {
      org: r.org,
      orgKind: r.org_kind,
      sub: r.sub,
      roles: r.roles,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      expiresAt: r.expires_at,
    };
    if (!r.opened_by_live || !isLive(session, now)) {
      await this.db.query(`DELETE FROM ig_sessions WHERE id_hash = $1`, [hash]);
      return null;
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
      await this.db.query(`UPDATE ig_sessions SET last_seen_at = $2 WHERE id_hash = $1`, [hash, now]);
      session.lastSeenAt = now;
    }
    return session;
  }

  async delete(id: string): Promise<void> {
    await this.db.query(`DELETE FROM ig_sessions WHERE id_hash = $1`, [hashOf(id)]);
  }

  /** Ends every session of an organisation; returns how many there were. */
  async deleteAllOf(org: string): Promise<number> {
    const [, count]: [unknown, number] = await this.db.query(`DELETE FROM ig_sessions WHERE org = $1`, [org]);
    return count;
  }
}
