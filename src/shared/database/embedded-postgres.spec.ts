import { unixSocketDirFor } from './embedded-postgres.js';

describe('unixSocketDirFor (where the embedded PostgreSQL puts its socket)', () => {
  it('puts the socket in the server directory when its path fits in a socket address', () => {
    expect(unixSocketDirFor('/tmp/gw-test-pg-a1B2c3', 54321)).toBe('/tmp/gw-test-pg-a1B2c3');
    expect(unixSocketDirFor('/srv/probation-gateway/.data/postgres', 5432)).toBe(
      '/srv/probation-gateway/.data/postgres',
    );
  });

  it('falls back to TCP alone when the path would pass 107 bytes', () => {
    const edge = `/${'d'.repeat(107 - '/.s.PGSQL.5432'.length - 1)}`;
    expect(unixSocketDirFor(edge, 5432)).toBe(edge);
    expect(unixSocketDirFor(`${edge}x`, 5432)).toBeNull();
    expect(unixSocketDirFor(edge, 54321)).toBeNull();
  });

  it("falls back to TCP alone for characters pg_ctl's shell command line would change", () => {
    for (const dir of ['/tmp/with space', "/tmp/quote'd", '/tmp/$HOME', '/tmp/semi;colon', '/tmp/dé'])
      expect(unixSocketDirFor(dir, 5432)).toBeNull();
  });
});
