import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention, erasure and restriction (issue 18, items 1 and 2).
 *
 * - cases.supervision_ended_on: the day supervision ended, pushed by the managing organisation;
 *   the retention period of a case record runs from it (no date: still under supervision, kept).
 * - cases.restriction: a restriction of processing (DPA 2018 s.47) placed by the managing
 *   organisation through the API: who, when and why. A restricted case is released to nobody but
 *   its manager; a push of the record (PUT /cases/{crn}) does not lift it.
 * - gateway_app may DELETE case records, their assessments and transfers: erasure by the managing
 *   organisation and by the retention job.
 * - exchange_requests stay refused to DELETE for gateway_app; the only way to remove one is
 *   erase_exchange_request(id), owned by the schema owner, which removes a request only once it is
 *   final (REFUSED, FULFILLED or EXPIRED). The guard's DELETE trigger skips the row whose id that
 *   function has put in a transaction-local setting. gateway_app could set the same setting, but
 *   holds no DELETE privilege; every UPDATE still goes through the guard.
 */
export class Retention1763800021000 implements MigrationInterface {
  name = 'Retention1763800021000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases ADD COLUMN supervision_ended_on date, ADD COLUMN restriction jsonb`);
    await q.query(
      `CREATE INDEX cases_supervision_ended_idx ON cases (supervision_ended_on) WHERE supervision_ended_on IS NOT NULL`,
    );
    await q.query(`GRANT DELETE ON cases, case_assessments, case_transfers TO gateway_app`);

    // The guard stays as it is, now on two row triggers: every UPDATE, and every DELETE but of the
    // one row erase_exchange_request is deleting.
    await q.query(`DROP TRIGGER exchange_requests_guard_row ON exchange_requests`);
    await q.query(
      `CREATE TRIGGER exchange_requests_guard_row BEFORE UPDATE ON exchange_requests FOR EACH ROW EXECUTE FUNCTION exchange_requests_guard()`,
    );
    await q.query(
      `CREATE TRIGGER exchange_requests_guard_delete BEFORE DELETE ON exchange_requests FOR EACH ROW
         WHEN (current_setting('gateway.erasing_exchange_request', true) IS DISTINCT FROM OLD.id::text)
         EXECUTE FUNCTION exchange_requests_guard()`,
    );
    await q.query(`ALTER TABLE exchange_requests ENABLE ALWAYS TRIGGER exchange_requests_guard_row`);
    await q.query(`ALTER TABLE exchange_requests ENABLE ALWAYS TRIGGER exchange_requests_guard_delete`);
    await q.query(`
      CREATE FUNCTION erase_exchange_request(request_id uuid) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        n integer;
      BEGIN
        PERFORM set_config('gateway.erasing_exchange_request', request_id::text, true);
        DELETE FROM exchange_requests WHERE id = request_id AND status IN ('REFUSED', 'FULFILLED', 'EXPIRED');
        GET DIAGNOSTICS n = ROW_COUNT;
        PERFORM set_config('gateway.erasing_exchange_request', '', true);
        RETURN n > 0;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION erase_exchange_request(uuid) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION erase_exchange_request(uuid) TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION erase_exchange_request(uuid)`);
    await q.query(`DROP TRIGGER exchange_requests_guard_delete ON exchange_requests`);
    await q.query(`DROP TRIGGER exchange_requests_guard_row ON exchange_requests`);
    await q.query(
      `CREATE TRIGGER exchange_requests_guard_row BEFORE UPDATE OR DELETE ON exchange_requests FOR EACH ROW EXECUTE FUNCTION exchange_requests_guard()`,
    );
    await q.query(`ALTER TABLE exchange_requests ENABLE ALWAYS TRIGGER exchange_requests_guard_row`);
    await q.query(`REVOKE DELETE ON cases, case_assessments, case_transfers FROM gateway_app`);
    await q.query(`DROP INDEX cases_supervision_ended_idx`);
    await q.query(`ALTER TABLE cases DROP COLUMN supervision_ended_on, DROP COLUMN restriction`);
  }
}
