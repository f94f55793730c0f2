import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case records pushed by the managing organisation, their OASys-style assessments (a history,
 * never overwritten by a different id) and transfers between CRC and NPS.
 */
export class Cases1763800003000 implements MigrationInterface {
  name = 'Cases1763800003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cases (
        crn                 text PRIMARY KEY CONSTRAINT cases_crn_format CHECK (crn ~ '^[A-Z][0-9]{6}$'),
        managing_org        text NOT NULL REFERENCES organisations (id),
        person              jsonb NOT NULL,
        tier                text NOT NULL,
        rosh                jsonb NOT NULL,
        mappa               jsonb,
        iom_cohort          boolean NOT NULL DEFAULT false,
        iom_force           text,
        licence_conditions  jsonb NOT NULL DEFAULT '[]',
        restricted          boolean NOT NULL DEFAULT false,
        escalation          jsonb,
        pending_transfer    jsonb,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        revision            integer NOT NULL DEFAULT 1
      )`);
    await q.query(`CREATE INDEX cases_managing_org_idx ON cases (managing_org)`);
    await q.query(`CREATE INDEX cases_iom_force_idx ON cases (iom_force) WHERE iom_cohort`);
    await q.query(`CREATE INDEX cases_escalated_idx ON cases (managing_org) WHERE escalation IS NOT NULL`);

    await q.query(`
      CREATE TABLE case_assessments (
        crn                   text NOT NULL REFERENCES cases (crn),
        assessment_id         text NOT NULL,
        authored_by_org       text NOT NULL REFERENCES organisations (id),
        completed_at          timestamptz NOT NULL,
        assessor              text NOT NULL,
        scores                jsonb NOT NULL,
        rosh                  jsonb NOT NULL,
        needs                 jsonb NOT NULL,
        risk_management_plan  jsonb NOT NULL,
        sensitive             jsonb,
        received_at           timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT case_assessments_pk PRIMARY KEY (crn, assessment_id)
      )`);
    await q.query(`CREATE INDEX case_assessments_latest_idx ON case_assessments (crn, completed_at DESC)`);

    await q.query(`
      CREATE TABLE case_transfers (
        id            uuid PRIMARY KEY,
        crn           text NOT NULL REFERENCES cases (crn),
        from_org      text NOT NULL REFERENCES organisations (id),
        to_org        text NOT NULL REFERENCES organisations (id),
        reason        text NOT NULL,
        status        text NOT NULL CONSTRAINT case_transfers_status CHECK (status IN ('PENDING', 'ACCEPTED', 'CANCELLED')),
        requested_at  timestamptz NOT NULL,
        requested_by  text NOT NULL,
        decided_at    timestamptz,
        decided_by    text
      )`);
    await q.query(`CREATE INDEX case_transfers_crn_idx ON case_transfers (crn, requested_at DESC)`);
    await q.query(`CREATE UNIQUE INDEX case_transfers_one_pending ON case_transfers (crn) WHERE status = 'PENDING'`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON cases, case_assessments, case_transfers TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_transfers`);
    await q.query(`DROP TABLE case_assessments`);
    await q.query(`DROP TABLE cases`);
  }
}
