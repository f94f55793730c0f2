import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A released exchange request keeps its row in one piece. With its signed response (about 1.4 KB
 * for one category) the row passes PostgreSQL's default TOAST threshold (about 2 KB), so every
 * release tried to compress the response (base64url text, which hardly compresses), moved it into
 * the TOAST table (a second heap row and an index entry), and every fetch of the response read
 * it back through that index. Rows up to a page (toast_tuple_target's most, 8,160 bytes) now stay
 * inline; a larger bundle (a request for every category of a full case) is still TOASTed.
 * Existing rows move when next written; none is rewritten here.
 */
export class ExchangeRowsInline1763800037000 implements MigrationInterface {
  name = 'ExchangeRowsInline1763800037000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE exchange_requests SET (toast_tuple_target = 8160)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE exchange_requests RESET (toast_tuple_target)`);
  }
}
