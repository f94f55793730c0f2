import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The IG records' breach register (issue 18 item 4; DPA 2018 s.67, UK GDPR art. 33).
 *
 * - ig_breaches: one row per personal data breach an organisation's IG records: who recorded it,
 *   when it was discovered and the ICO deadline 72 hours after that.
 * - ig_breach_versions: the breach's state, one row per change (status, severity, whether it is
 *   reportable, the cases, agreements and partners it touches, the report to the ICO). The
 *   register shows the latest; the rows before it are its history.
 *
 * Both are append-only: gateway_app may only SELECT and INSERT, and triggers set ENABLE ALWAYS
 * refuse UPDATE, DELETE and TRUNCATE to every role.
 */
export class IgRecords1763800022000 implements MigrationInterface {
  name = 'IgRecords1763800022000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ig_breaches (
        id             uuid PRIMARY KEY,
        org            text NOT NULL REFERENCES organisations (id),
        discovered_at  timestamptz NOT NULL,
        occurred_at    timestamptz,
        ico_deadline   timestamptz NOT NULL,
        created_at     timestamptz NOT NULL,
        created_by     text NOT NULL,
        CONSTRAINT ig_breaches_deadline CHECK (ico_deadline = discovered_at + interval '72 hours'),
        CONSTRAINT ig_breaches_occurred CHECK (occurred_at IS NULL OR occurred_at <= discovered_at)
      )`);
    await q.query(`CREATE INDEX ig_breaches_org_idx ON ig_breaches (org, discovered_at DESC)`);
    await q.query(`CREATE INDEX ig_breaches_deadline_idx ON ig_breaches (ico_deadline)`);
    await q.query(`
      CREATE TABLE ig_breach_versions (
        breach_id              uuid NOT NULL REFERENCES ig_breaches (id),
        version                integer NOT NULL CONSTRAINT ig_breach_versions_version CHECK (version >= 1),
        status                 text NOT NULL
          CONSTRAINT ig_breach_versions_status CHECK (status IN ('OPEN', 'REPORTED', 'NOT_REPORTABLE', 'CLOSED')),
        summary                text NOT NULL CONSTRAINT ig_breach_versions_summary CHECK (length(summary) BETWEEN 10 AND 4000),
        severity               text NOT NULL
          CONSTRAINT ig_breach_versions_severity CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
        reportable             boolean,
        crns                   text[] NOT NULL,
        agreement_ids          text[] NOT NULL,
        partner_orgs           text[] NOT NULL,
        ico_reported_at        timestamptz,
        ico_reference          text,
        not_reportable_reason  text,
        note                   text,
        recorded_at            timestamptz NOT NULL,
        recorded_by            text NOT NULL,
        CONSTRAINT ig_breach_versions_pk PRIMARY KEY (breach_id, version),
        CONSTRAINT ig_breach_versions_reported CHECK (status <> 'REPORTED' OR ico_reported_at IS NOT NULL),
        CONSTRAINT ig_breach_versions_not_reportable
          CHECK (status <> 'NOT_REPORTABLE' OR not_reportable_reason IS NOT NULL)
      )`);

    await q.query(`
      CREATE FUNCTION ig_records_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const t of ['ig_breaches', 'ig_breach_versions']) {
      await q.query(
        `CREATE TRIGGER ${t}_no_update_delete BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION ig_records_refuse_change()`,
      );
      await q.query(
        `CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION ig_records_refuse_change()`,
      );
      await q.query(`ALTER TABLE ${t} ENABLE ALWAYS TRIGGER ${t}_no_update_delete`);
      await q.query(`ALTER TABLE ${t} ENABLE ALWAYS TRIGGER ${t}_no_truncate`);
    }
    await q.query(`REVOKE ALL ON ig_breaches, ig_breach_versions FROM PUBLIC`);
    await q.query(`GRANT SELECT, INSERT ON ig_breaches, ig_breach_versions TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ig_breach_versions`);
    await q.query(`DROP TABLE ig_breaches`);
    await q.query(`DROP FUNCTION ig_records_refuse_change()`);
  }
}
