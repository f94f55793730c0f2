import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events (issue 16): a transactional outbox and webhook subscriptions.
 *
 * - event_outbox: one row per event, inserted by the change's own transaction (so a change and
 *   its events commit or roll back together). Writers take a transaction-scoped advisory lock
 *   just before inserting and hold it to commit, so `seq` order is commit order and a reader
 *   that has seen `seq` n never later finds a committed row below n (cursors lose nothing).
 *   Thin: type, subject, the link to fetch details and, for agreement and exchange events, the
 *   parties; never case content.
 * - event_subscriptions: one organisation's webhook. `cursor` is the last outbox seq this
 *   subscription has finished with (delivered, not visible to it, or dead-lettered); a worker
 *   leases the row (lease_until) while it sends, so one instance sends a given event per attempt.
 * - event_dead_letters: events given up on after the maximum attempts; replay re-queues them.
 * - event_delivery_attempts: every attempt and its outcome (metrics, IG pages).
 */
export class Events1763800016000 implements MigrationInterface {
  name = 'Events1763800016000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_outbox (
        seq           bigserial PRIMARY KEY,
        id            uuid NOT NULL UNIQUE,
        type          text NOT NULL,
        subject       text NOT NULL,
        crn           text,
        parties       text[] NOT NULL DEFAULT '{}',
        link          text NOT NULL,
        occurred_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE event_subscriptions (
        id              uuid PRIMARY KEY,
        org             text NOT NULL,
        url             text NOT NULL,
        types           text[] NOT NULL,
        scheme          text NOT NULL CHECK (scheme IN ('v1', 'v1a')),
        secret          text,
        cursor          bigint NOT NULL,
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until     timestamptz,
        lease_owner     text,
        failures        bigint NOT NULL DEFAULT 0,
        delivered       bigint NOT NULL DEFAULT 0,
        last_error      text,
        created_by      text NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        deleted_at      timestamptz
      )`);
    await q.query(`CREATE INDEX event_subscriptions_org_idx ON event_subscriptions (org) WHERE deleted_at IS NULL`);
    await q.query(
      `CREATE INDEX event_subscriptions_due_idx ON event_subscriptions (next_attempt_at) WHERE deleted_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE event_dead_letters (
        subscription_id uuid NOT NULL REFERENCES event_subscriptions (id),
        seq             bigint NOT NULL REFERENCES event_outbox (seq),
        attempts        integer NOT NULL,
        last_error      text,
        dead_at         timestamptz NOT NULL DEFAULT now(),
        replay          boolean NOT NULL DEFAULT false,
        delivered_at    timestamptz,
        PRIMARY KEY (subscription_id, seq)
      )`);
    await q.query(
      `CREATE INDEX event_dead_letters_replay_idx ON event_dead_letters (subscription_id, seq) WHERE replay`,
    );
    await q.query(`
      CREATE TABLE event_delivery_attempts (
        id              bigserial PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES event_subscriptions (id),
        seq             bigint NOT NULL,
        attempt         integer NOT NULL,
        at              timestamptz NOT NULL DEFAULT now(),
        ok              boolean NOT NULL,
        status          integer,
        error           text,
        instance        text NOT NULL
      )`);
    await q.query(`CREATE INDEX event_delivery_attempts_sub_idx ON event_delivery_attempts (subscription_id, seq)`);
    for (const t of ['event_outbox', 'event_subscriptions', 'event_dead_letters', 'event_delivery_attempts'])
      await q.query(`REVOKE ALL ON ${t} FROM PUBLIC`);
    await q.query(`GRANT SELECT, INSERT ON event_outbox TO gateway_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON event_subscriptions TO gateway_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON event_dead_letters TO gateway_app`);
    await q.query(`GRANT SELECT, INSERT ON event_delivery_attempts TO gateway_app`);
    await q.query(`GRANT USAGE ON SEQUENCE event_outbox_seq_seq, event_delivery_attempts_id_seq TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_delivery_attempts`);
    await q.query(`DROP TABLE event_dead_letters`);
    await q.query(`DROP TABLE event_subscriptions`);
    await q.query(`DROP TABLE event_outbox`);
  }
}
