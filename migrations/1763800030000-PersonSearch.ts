import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Person search (POST /people/search, the find-a-person page) looks cases up by the person's PNC
 * ID, or by family name (without regard to case) and date of birth, both inside the `person`
 * jsonb column: one expression index for each, so a search reads a few rows, never the table.
 * The given name is checked on the rows the name-and-date index finds.
 */
export class PersonSearch1763800030000 implements MigrationInterface {
  name = 'PersonSearch1763800030000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX cases_person_pnc_idx ON cases ((person->>'pncId')) WHERE person->>'pncId' IS NOT NULL`);
    await q.query(
      `CREATE INDEX cases_person_name_dob_idx ON cases ((lower(person->>'familyName')), (person->>'dateOfBirth'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cases_person_name_dob_idx`);
    await q.query(`DROP INDEX cases_person_pnc_idx`);
  }
}
