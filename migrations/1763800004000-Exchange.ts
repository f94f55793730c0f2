import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Record-exchange requests: the request JWS exactly as received (and its parsed claims), the
 * decision, and the gateway's signed response bundle exactly as served.
 *
 * Both signed texts are evidence (non-repudiation): a trigger set ENABLE ALWAYS refuses any
 * change to the request's signed content, and to the response once stored, and gateway_app may
 * not DELETE. Only the lifecycle columns (status, decision, release) change, forward only.
 */
export class Exchange1763800004000 implements MigrationInterface {
  name = 'Exchange1763800004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE exchange_requests (
        id                  uuid PRIMARY KEY,
        requester_org       text NOT NULL REFERENCES organisations (id),
        provider_org        text NOT NULL REFERENCES organisations (id),
        crn                 text NOT NULL CONSTRAINT exchange_requests_crn CHECK (crn ~ '^[A-Z][0-9]{6}$'),
        purpose             text NOT NULL,
        data_categories     text[] NOT NULL CONSTRAINT exchange_requests_categories CHECK (cardinality(data_categories) >= 1),
        justification       text NOT NULL,
        urgency             text NOT NULL CONSTRAINT exchange_requests_urgency CHECK (urgency IN ('ROUTINE', 'URGENT')),
        agreement_id        uuid NOT NULL,
        request_jws         text NOT NULL,
        request_jti         text NOT NULL,
        request_kid         text NOT NULL,
        request_alg         text NOT NULL CONSTRAINT exchange_requests_alg CHECK (request_alg IN ('ES256', 'EdDSA')),
        request_iat         timestamptz NOT NULL,
        submitted_by_sub    text NOT NULL,
        submitted_by_roles  text[] NOT NULL,
        submitted_at        timestamptz NOT NULL,
        due_by              timestamptz NOT NULL,
        status              text NOT NULL CONSTRAINT exchange_requests_status CHECK (status IN ('SUBMITTED', 'APPROVED', 'REFUSED', 'FULFILLED', 'EXPIRED')),
        status_reason       text,
        decided_at          timestamptz,
        decided_by_org      text,
        decided_by_sub      text,
        agreement_version   integer,
        fields_released     text[],
        fields_withheld     text[],
        release_log_index   bigint,
        response_jws        text,
        fulfilled_at        timestamptz,
        updated_at          timestamptz NOT NULL,
        CONSTRAINT exchange_requests_jti_unique UNIQUE (requester_org, request_jti),
        CONSTRAINT exchange_requests_fulfilled CHECK ((status = 'FULFILLED') = (response_jws IS NOT NULL AND release_log_index IS NOT NULL AND fulfilled_at IS NOT NULL))
      )`);
    // Lists are newest first within one side; (submitted_at, id) is also the cursor.
    await q.query(
      `CREATE INDEX exchange_requests_incoming_idx ON exchange_requests (provider_org, submitted_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX exchange_requests_outgoing_idx ON exchange_requests (requester_org, submitted_at DESC, id DESC)`,
    );
    // Open requests: by due time for the overdue gauge and filter, by agreement for the suspension reaction.
    await q.query(
      `CREATE INDEX exchange_requests_open_due_idx ON exchange_requests (due_by) WHERE status IN ('SUBMITTED', 'APPROVED')`,
    );
    await q.query(
      `CREATE INDEX exchange_requests_open_agreement_idx ON exchange_requests (agreement_id) WHERE status IN ('SUBMITTED', 'APPROVED')`,
    );

    await q.query(`
      CREATE FUNCTION exchange_requests_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
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
    await q.query(
      `CREATE TRIGGER exchange_requests_guard_row BEFORE UPDATE OR DELETE ON exchange_requests FOR EACH ROW EXECUTE FUNCTION exchange_requests_guard()`,
    );
    await q.query(
      `CREATE TRIGGER exchange_requests_guard_truncate BEFORE TRUNCATE ON exchange_requests FOR EACH STATEMENT EXECUTE FUNCTION exchange_requests_guard()`,
    );
    await q.query(`ALTER TABLE exchange_requests ENABLE ALWAYS TRIGGER exchange_requests_guard_row`);
    await q.query(`ALTER TABLE exchange_requests ENABLE ALWAYS TRIGGER exchange_requests_guard_truncate`);

    await q.query(`GRANT SELECT, INSERT, UPDATE ON exchange_requests TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE exchange_requests`);
    await q.query(`DROP FUNCTION exchange_requests_guard()`);
  }
}
