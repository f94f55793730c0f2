import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * sign_in_attempts.return_to: the gateway page a sign-in was started from (for example the IG
 * console), to go back to once signed in. Only a path on this gateway (the check is the
 * application's; the column keeps it short).
 */
export class SignInReturnPath1763800034000 implements MigrationInterface {
  name = 'SignInReturnPath1763800034000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE sign_in_attempts ADD COLUMN return_to text
         CONSTRAINT sign_in_attempts_return_to CHECK (return_to IS NULL OR (length(return_to) <= 200 AND left(return_to, 1) = '/'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sign_in_attempts DROP COLUMN return_to`);
  }
}
