import { describeHosts, parsePostgresUrl, PostgresUrlError } from './postgres-url.js';

describe(parsePostgresUrl.name, () => {
  it('reads a single-host URL and hands node-postgres the URL unchanged', () => {
    const raw = 'postgres://gateway:p%40ss@db.internal:6432/gateway?sslmode=require&target_session_attrs=read-write';
    const u = parsePostgresUrl(raw);
    expect(u.hosts).toEqual([{ host: 'db.internal', port: 6432 }]);
    expect(u.user).toBe('gateway');
    expect(u.readWrite).toBe(true);
    expect(u.urlFor(u.hosts[0])).toBe(raw);
    expect(parsePostgresUrl('postgresql://u@h/db').hosts).toEqual([{ host: 'h', port: 5432 }]);
    expect(parsePostgresUrl('postgres://h/db').user).toBeUndefined();
    expect(parsePostgresUrl('postgres://u:p@[::1]:5433/db').hosts).toEqual([{ host: '::1', port: 5433 }]);
  });

  it('reads a multi-host URL: hosts in order, default port, credentials and query kept per host', () => {
    const u = parsePostgresUrl(
      'postgres://gw%2Fapp:s%3Acret@db1:5432,db2,[fd00::2]:5433/gateway?target_session_attrs=read-write&sslmode=require',
    );
    expect(u.user).toBe('gw/app');
    expect(u.readWrite).toBe(true);
    expect(u.hosts).toEqual([
      { host: 'db1', port: 5432 },
      { host: 'db2', port: 5432 },
      { host: 'fd00::2', port: 5433 },
    ]);
    expect(u.hosts.map((h) => u.urlFor(h))).toEqual([
      'postgres://gw%2Fapp:s%3Acret@db1:5432/gateway?sslmode=require',
      'postgres://gw%2Fapp:s%3Acret@db2:5432/gateway?sslmode=require',
      'postgres://gw%2Fapp:s%3Acret@[fd00::2]:5433/gateway?sslmode=require',
    ]);
    expect(describeHosts(u.hosts)).toBe('db1:5432, db2:5432, [fd00::2]:5433');
  });

  it('takes target_session_attrs=primary like read-write', () => {
    const u = parsePostgresUrl('postgresql://u:p@db1,db2/gateway?target_session_attrs=primary');
    expect(u.readWrite).toBe(true);
    expect(u.urlFor(u.hosts[1])).toBe('postgresql://u:p@db2:5432/gateway');
  });

  it.each([
    ['not a url', /postgres:\/\/user:password@host:5432\/database/],
    ['mysql://u:p@h/db', /postgres:\/\/ scheme \(got "mysql:"\)/],
    ['postgres://u:p@h', /must name a host and a database/],
    ['postgres://u:p@/db', /must name a host and a database/],
    ['postgres://u:p@db1:5432,db2:5432/gateway', /target_session_attrs=read-write/],
    ['postgres://u:p@db1,db2/gateway?target_session_attrs=any', /target_session_attrs=any.*read-write/],
    ['postgres://u:p@db1,db2/gateway?target_session_attrs=read-only', /read-only.*read-write/],
    [
      'postgres://u:p@db1:5432,db2:5432x/gateway?target_session_attrs=read-write',
      /host "db2" with an invalid port "5432x"/,
    ],
    ['postgres://u:p@db1:5432,db2:0/gateway?target_session_attrs=read-write', /invalid port "0"/],
    ['postgres://u:p@db1:5432,db2:70000/gateway?target_session_attrs=read-write', /invalid port "70000"/],
    ['postgres://u:p@db1:5432,,db2/gateway?target_session_attrs=read-write', /invalid host ""/],
    ['postgres://u:p@db1,db 2/gateway?target_session_attrs=read-write', /invalid host "db 2"/],
    ['postgres://u:p@db1,[zz]:5432/gateway?target_session_attrs=read-write', /invalid host "\[zz\]:5432"/],
    ['postgres://u:p@db1:5432,db1/gateway?target_session_attrs=read-write', /names db1:5432 twice/],
    ['postgres://%E0%A4%A@db1,db2/gateway?target_session_attrs=read-write', /percent-encoding/],
  ])('refuses %s with a clear reason', (raw, reason) => {
    let error: unknown;
    try {
      parsePostgresUrl(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PostgresUrlError);
    expect((error as Error).message).toMatch(reason);
    // The reason names hosts, never the password.
    expect((error as Error).message).not.toMatch(/u:p/);
  });
});
