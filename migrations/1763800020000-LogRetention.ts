import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Columns of access_log_entries that hold personal data: the bytes and their searchable copies. */
const BODY_COLUMNS = ['entry', 'crn', 'actor_sub', 'purpose'];

/** Serialises prunings across instances (pg_advisory_xact_lock inside access_log_prune). */
const LOG_PRUNE_LOCK_KEY = 7_163_020;

/**
 * The access log ages out without breaking: entry bodies older than the retention period are
 * pruned, leaf hashes, nodes and checkpoints are kept for ever, so every proof still verifies.
 *
 * - access_log_retention_floor: one row, the youngest age (in days) at which any entry may be
 *   pruned. Only the schema owner can change it (gateway_app may read it), so an application
 *   that is compromised, or misconfigured with a short LOG_RETENTION_DAYS, cannot wipe recent
 *   history. Default 2192 days (six years).
 * - access_log_pruned_ranges: every pruning, [from_idx, to_idx] with its cutoff and time,
 *   written only by access_log_prune and append-only like the tree.
 * - access_log_prune(cutoff, max_entries): the one way a body is removed. SECURITY DEFINER
 *   (runs as the schema owner) with a pinned search_path (pg_temp last) and schema-qualified
 *   tables, so a caller's temporary table cannot stand in for the floor; refuses a cutoff younger than the
 *   floor; under an advisory lock, takes the next unpruned entries from the end of the last
 *   range while their ts < cutoff (at most max_entries), records the range, and sets the body
 *   columns to NULL. gateway_app may EXECUTE it and still has no UPDATE or DELETE on the tables.
 * - The entries' UPDATE/DELETE trigger now lets exactly that change through: run as the table's
 *   owner (current_user, which only the SECURITY DEFINER function gives a gateway_app session;
 *   no setting can), the body columns of a not yet pruned entry set to NULL and every other
 *   column unchanged, the entry older than the floor and inside a recorded range. Everything
 *   else (DELETE, TRUNCATE, any other UPDATE) is refused as before.
 */
export class LogRetention1763800020000 implements MigrationInterface {
  name = 'LogRetention1763800020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_log_retention_floor (
        id             smallint PRIMARY KEY CONSTRAINT access_log_retention_floor_single_row CHECK (id = 1),
        min_age_days   integer NOT NULL CONSTRAINT access_log_retention_floor_days CHECK (min_age_days >= 0),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO access_log_retention_floor (id, min_age_days) VALUES (1, 2192)`);

    await q.query(`
      CREATE TABLE access_log_pruned_ranges (
        from_idx   bigint PRIMARY KEY CONSTRAINT access_log_pruned_ranges_from CHECK (from_idx >= 0),
        to_idx     bigint NOT NULL,
        cutoff     timestamptz NOT NULL,
        pruned_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT access_log_pruned_ranges_order CHECK (to_idx >= from_idx)
      )`);
    await q.query(
      `CREATE TRIGGER access_log_pruned_ranges_no_update_delete BEFORE UPDATE OR DELETE ON access_log_pruned_ranges FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()`,
    );
    await q.query(
      `CREATE TRIGGER access_log_pruned_ranges_no_truncate BEFORE TRUNCATE ON access_log_pruned_ranges FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change()`,
    );
    await q.query(
      `ALTER TABLE access_log_pruned_ranges ENABLE ALWAYS TRIGGER access_log_pruned_ranges_no_update_delete`,
    );
    await q.query(`ALTER TABLE access_log_pruned_ranges ENABLE ALWAYS TRIGGER access_log_pruned_ranges_no_truncate`);
    await q.query(`REVOKE ALL ON access_log_retention_floor, access_log_pruned_ranges FROM PUBLIC`);
    await q.query(`GRANT SELECT ON access_log_retention_floor, access_log_pruned_ranges TO gateway_app`);

    await q.query(`ALTER TABLE access_log_entries ALTER COLUMN entry DROP NOT NULL`);
    await q.query(`ALTER TABLE access_log_entries ALTER COLUMN actor_sub DROP NOT NULL`);

    const body = `'{${BODY_COLUMNS.join(',')}}'::text[]`;
    await q.query(`
      CREATE FUNCTION access_log_entries_guard() RETURNS trigger LANGUAGE plpgsql
        SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        -- Nested, so the owner test comes first: nothing else is read for anyone else.
        IF TG_OP = 'UPDATE'
           AND current_user = (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = TG_RELID) THEN
          IF OLD.entry IS NOT NULL
             AND ${BODY_COLUMNS.map((c) => `NEW.${c} IS NULL`).join(' AND ')}
             AND to_jsonb(NEW) - ${body} = to_jsonb(OLD) - ${body}
             AND OLD.ts < now() - make_interval(days => (SELECT f.min_age_days FROM public.access_log_retention_floor f WHERE f.id = 1))
             AND EXISTS (SELECT 1 FROM public.access_log_pruned_ranges r WHERE OLD.idx BETWEEN r.from_idx AND r.to_idx)
          THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION 'the access log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`DROP TRIGGER access_log_entries_no_update_delete ON access_log_entries`);
    await q.query(
      `CREATE TRIGGER access_log_entries_no_update_delete BEFORE UPDATE OR DELETE ON access_log_entries FOR EACH ROW EXECUTE FUNCTION access_log_entries_guard()`,
    );
    await q.query(`ALTER TABLE access_log_entries ENABLE ALWAYS TRIGGER access_log_entries_no_update_delete`);

    await q.query(`
      CREATE FUNCTION access_log_prune(cutoff timestamptz, max_entries integer)
        RETURNS TABLE (from_idx bigint, to_idx bigint, pruned integer)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE
        floor_days integer;
        lo bigint;
        hi bigint;
        size bigint;
        n integer;
      BEGIN
        IF cutoff IS NULL OR max_entries IS NULL OR max_entries < 1 THEN
          RAISE EXCEPTION 'access_log_prune needs a cutoff and a positive max_entries'
            USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT f.min_age_days INTO floor_days FROM public.access_log_retention_floor f WHERE f.id = 1;
        IF cutoff > now() - make_interval(days => floor_days) THEN
          RAISE EXCEPTION 'access_log_prune: cutoff % is younger than the retention floor of % days', cutoff, floor_days
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        PERFORM pg_advisory_xact_lock(${LOG_PRUNE_LOCK_KEY});
        SELECT COALESCE(max(r.to_idx) + 1, 0) INTO lo FROM public.access_log_pruned_ranges r;
        SELECT h.size INTO size FROM public.access_log_head h WHERE h.id = 1;
        -- The due entries from lo on: up to the first that is not older than the cutoff.
        SELECT COALESCE(min(e.idx), LEAST(lo + max_entries, size)) - 1 INTO hi
          FROM public.access_log_entries e
         WHERE e.idx >= lo AND e.idx < LEAST(lo + max_entries, size) AND e.ts >= cutoff;
        IF hi < lo THEN
          RETURN;
        END IF;
        INSERT INTO public.access_log_pruned_ranges (from_idx, to_idx, cutoff) VALUES (lo, hi, cutoff);
        UPDATE public.access_log_entries e SET ${BODY_COLUMNS.map((c) => `${c} = NULL`).join(', ')}
         WHERE e.idx BETWEEN lo AND hi;
        GET DIAGNOSTICS n = ROW_COUNT;
        RETURN QUERY SELECT lo, hi, n;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION access_log_prune(timestamptz, integer) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION access_log_prune(timestamptz, integer) TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION access_log_prune(timestamptz, integer)`);
    await q.query(`DROP TRIGGER access_log_entries_no_update_delete ON access_log_entries`);
    await q.query(
      `CREATE TRIGGER access_log_entries_no_update_delete BEFORE UPDATE OR DELETE ON access_log_entries FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()`,
    );
    await q.query(`ALTER TABLE access_log_entries ENABLE ALWAYS TRIGGER access_log_entries_no_update_delete`);
    await q.query(`DROP FUNCTION access_log_entries_guard()`);
    // Pruned bodies cannot come back: NOT NULL is not restored on entry and actor_sub.
    await q.query(`DROP TABLE access_log_pruned_ranges, access_log_retention_floor`);
  }
}
