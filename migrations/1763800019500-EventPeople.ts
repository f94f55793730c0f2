import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The persons an event concerns (issue 16, e-mail to people): event_outbox.people holds them as
 * `<organisation>/<sub>`, and e-mail goes to those whose own address is configured. Webhooks and
 * the pull feed never carry them. Events written before it name nobody.
 */
export class EventPeople1763800019500 implements MigrationInterface {
  name = 'EventPeople1763800019500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_outbox ADD COLUMN people text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_outbox DROP COLUMN people`);
  }
}
