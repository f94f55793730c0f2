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
 *   final (REFUSED, FULFILLED or EXPIRED). The guard lets that function's DELETE through by a
 *   setting only it sets; gateway_app, holding no DELETE privilege, cannot reach the guard at all.
 */
export class Retention1763800021000 implements MigrationInterface {
  name = 'Retention1763800021000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases ADD COLUMN supervision_ended_on date, ADD COLUMN restriction jsonb`);
    await q.query(
      `CREATE INDEX cases_supervision_ended_idx ON cases (supervision_ended_on) WHERE supervision_ended_on IS NOT NULL`,
    );
    await q.query(`GRANT DELETE ON cases, case_assessments, case_transfers TO gateway_app`);

    await q.query(`
      CREATE OR REPLACE FUNCTION exchange_requests_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('gateway.erasing_exchange_request', true) = OLD.id::text THEN
          RETURN OLD;
        END IF;
        IF TG_OP <> 'UPDATE' THEN
          RAISE EXCEPTION 'exchange_requests: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF (NEW.id, NEW.requester_org, NEW.provider_org, NEW.crn, NEW.purpose, NEW.data_categories, NEW.justification, NEW.urgency,
            NEW.agreement_id, NEW.request_jws, NEW.request_jti, NEW.request_kid, NEW.request_alg, NEW.request_iat,
            NEW.submitted_by_sub, NEW.submitted_by_roles, NEW.submitted_at, NEW.due_by)
           IS DISTINCT FROM
           (OLD.id, OLD.requester_org, OLD.provider_org, OLD.crn, OLD.purpose, OLD.data_categories, OLD.justification, OLD.urgency,
            OLD.agreement_id, OLD.request_jws, OLD.request_jti, OLD.request_kid, OLD.request_alg, OLD.request_iat,
            OLD.submitted_by_sub, OLD.submitted_by_roles, OLD.submitted_at, OLD.due_by) THEN
          RAISE EXCEPTION 'exchange_requests: the signed request is immutable' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.status IN ('REFUSED', 'FULFILLED', 'EXPIRED') THEN
          RAISE EXCEPTION 'exchange_requests: a % request is final', OLD.status USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
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
    await q.query(`REVOKE DELETE ON cases, case_assessments, case_transfers FROM gateway_app`);
    await q.query(`DROP INDEX cases_supervision_ended_idx`);
    await q.query(`ALTER TABLE cases DROP COLUMN supervision_ended_on, DROP COLUMN restriction`);
  }
}
