import type { MigrationInterface, QueryRunner } from 'typeorm';

const TREE_TABLES = ['access_log_entries', 'access_log_nodes', 'access_log_checkpoints'];

/**
 * The access log: an RFC 9162 Merkle tree whose leaves are the entries' canonical bytes.
 *
 * - access_log_head: one row, the tree size, its frontier (the complete subtrees of the size's
 *   binary decomposition) and the last timestamp. Sequencers lock it FOR UPDATE, which is what
 *   keeps indices gap-free with several gateway instances. It may only grow.
 * - access_log_entries: the exact canonical bytes (bytea, never re-serialised), their leaf hash,
 *   and copies of the searchable members. The bytes are authoritative; log:verify checks them.
 * - access_log_nodes: hashes of complete subtrees of level >= 1 (level 0 is entries.leaf_hash),
 *   so a proof or root reads O(log n) rows.
 * - access_log_checkpoints: every signed tree head, kept.
 *
 * The tree tables refuse UPDATE, DELETE and TRUNCATE through triggers set ENABLE ALWAYS (so
 * session_replication_role = replica cannot skip them), and gateway_app holds only SELECT and
 * INSERT on them. Only an owner that disables the triggers can change history, and log:verify
 * then names the first altered index.
 */
export class AccessLog1763800001000 implements MigrationInterface {
  name = 'AccessLog1763800001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_log_head (
        id              smallint PRIMARY KEY CONSTRAINT access_log_head_single_row CHECK (id = 1),
        size            bigint NOT NULL CONSTRAINT access_log_head_size CHECK (size >= 0),
        frontier        jsonb NOT NULL,
        last_timestamp  timestamptz,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO access_log_head (id, size, frontier) VALUES (1, 0, '{"size":0,"hashes":[]}')`);

    await q.query(`
      CREATE TABLE access_log_entries (
        idx            bigint PRIMARY KEY CONSTRAINT access_log_entries_idx CHECK (idx >= 0),
        ts             timestamptz NOT NULL,
        leaf_hash      bytea NOT NULL CONSTRAINT access_log_entries_leaf_hash CHECK (octet_length(leaf_hash) = 32),
        entry          bytea NOT NULL,
        action         text NOT NULL,
        decision       text NOT NULL CONSTRAINT access_log_entries_decision CHECK (decision IN ('ALLOW', 'DENY')),
        actor_org      text NOT NULL,
        actor_sub      text NOT NULL,
        owner_org      text,
        recipient_org  text,
        crn            text,
        purpose        text,
        break_glass    boolean NOT NULL
      )`);
    // Search is newest first within an organisation's scope or one person's record; idx as the
    // last column serves "ORDER BY idx DESC" and the cursor from the same index. Every index is
    // paid for on each append (measured: the secondary indexes are about half of a batch's
    // database time), so there are as few as the searches need.
    await q.query(`CREATE INDEX access_log_entries_crn_idx ON access_log_entries (crn, idx) WHERE crn IS NOT NULL`);
    await q.query(`CREATE INDEX access_log_entries_actor_org_idx ON access_log_entries (actor_org, idx)`);
    // The person index costs about a tenth of the append rate (inserts at scattered positions)
    // but keeps "everything this officer did" fast on a log of millions, which IG needs.
    await q.query(`CREATE INDEX access_log_entries_actor_sub_idx ON access_log_entries (actor_sub, idx)`);
    // Owner and recipient only widen an organisation's scope where they differ from the actor's
    // organisation (usually the recipient is the actor's): indexing just those rows saves an
    // index insert per entry on the hot path. Scoped searches repeat the predicate.
    await q.query(
      `CREATE INDEX access_log_entries_owner_org_idx ON access_log_entries (owner_org, idx) WHERE owner_org IS DISTINCT FROM actor_org`,
    );
    await q.query(
      `CREATE INDEX access_log_entries_recipient_org_idx ON access_log_entries (recipient_org, idx) WHERE recipient_org IS DISTINCT FROM actor_org`,
    );
    // ts grows with idx, the case BRIN is made for: time-range filters at almost no insert cost.
    await q.query(`CREATE INDEX access_log_entries_ts_brin ON access_log_entries USING brin (ts)`);

    await q.query(`
      CREATE TABLE access_log_nodes (
        level  smallint NOT NULL CONSTRAINT access_log_nodes_level CHECK (level BETWEEN 1 AND 62),
        idx    bigint NOT NULL CONSTRAINT access_log_nodes_idx CHECK (idx >= 0),
        hash   bytea NOT NULL CONSTRAINT access_log_nodes_hash CHECK (octet_length(hash) = 32),
        CONSTRAINT access_log_nodes_pk PRIMARY KEY (level, idx)
      )`);

    await q.query(`
      CREATE TABLE access_log_checkpoints (
        tree_size   bigint PRIMARY KEY CONSTRAINT access_log_checkpoints_size CHECK (tree_size >= 0),
        root_hash   bytea NOT NULL CONSTRAINT access_log_checkpoints_root CHECK (octet_length(root_hash) = 32),
        "timestamp" timestamptz NOT NULL,
        jws         text NOT NULL
      )`);

    await q.query(`
      CREATE FUNCTION access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the access log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE FUNCTION access_log_head_only_grows() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id <> OLD.id OR NEW.size < OLD.size THEN
          RAISE EXCEPTION 'the access log head may only grow (size % -> %)', OLD.size, NEW.size
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    for (const table of TREE_TABLES) {
      await q.query(
        `CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()`,
      );
      await q.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change()`,
      );
      await q.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${table}_no_update_delete`);
      await q.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${table}_no_truncate`);
    }
    await q.query(
      `CREATE TRIGGER access_log_head_no_delete BEFORE DELETE ON access_log_head FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()`,
    );
    await q.query(
      `CREATE TRIGGER access_log_head_no_truncate BEFORE TRUNCATE ON access_log_head FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change()`,
    );
    await q.query(
      `CREATE TRIGGER access_log_head_grows BEFORE UPDATE ON access_log_head FOR EACH ROW EXECUTE FUNCTION access_log_head_only_grows()`,
    );
    for (const trigger of ['access_log_head_no_delete', 'access_log_head_no_truncate', 'access_log_head_grows']) {
      await q.query(`ALTER TABLE access_log_head ENABLE ALWAYS TRIGGER ${trigger}`);
    }

    await q.query(`REVOKE ALL ON ${[...TREE_TABLES, 'access_log_head'].join(', ')} FROM PUBLIC`);
    await q.query(`GRANT SELECT, INSERT ON ${TREE_TABLES.join(', ')} TO gateway_app`);
    await q.query(`GRANT SELECT, UPDATE ON access_log_head TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_log_checkpoints, access_log_nodes, access_log_entries, access_log_head`);
    await q.query(`DROP FUNCTION access_log_head_only_grows()`);
    await q.query(`DROP FUNCTION access_log_refuse_change()`);
  }
}
