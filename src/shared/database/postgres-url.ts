/** A DATABASE_URL that cannot be used, with what is wrong in words an operator can act on. */
export class PostgresUrlError extends Error {}

export interface PostgresHost {
  host: string;
  port: number;
}

/** A postgres:// URL naming one server, or several in libpq's multi-host form. */
export interface PostgresUrl {
  /** The login named, decoded; undefined when the URL names none. */
  user: string | undefined;
  /** In the URL's order: the order in which they are tried. */
  hosts: PostgresHost[];
  /** target_session_attrs=read-write (or primary): only a server that accepts writes will do. */
  readWrite: boolean;
  /** The same URL naming only `host`, without target_session_attrs (node-postgres reads one host). */
  urlFor(host: PostgresHost): string;
}

const DEFAULT_PORT = 5432;
// scheme://[userinfo@]hosts[/database][?query][#fragment]
const SHAPE = /^(postgres(?:ql)?):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/;
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$/;

/** `db1:5432`, `[::1]:5432` or `db1` (port 5432). */
function parseHost(text: string): PostgresHost {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::([^:]*))?$/.exec(text);
  const host = m?.[1] ?? m?.[2];
  if (!m || !host || (m[2] !== undefined && !HOST_NAME.test(m[2])))
    throw new PostgresUrlError(`names an invalid host "${text}" (expected host:port, e.g. db1:5432)`);
  if (m[3] === undefined) return { host, port: DEFAULT_PORT };
  const port = Number(m[3]);
  if (!/^\d{1,5}$/.test(m[3]) || port < 1 || port > 65535)
    throw new PostgresUrlError(`names host "${host}" with an invalid port "${m[3]}" (1-65535)`);
  return { host, port };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new PostgresUrlError('has a user name that is not valid percent-encoding');
  }
}

const hostText = (h: PostgresHost) => (h.host.includes(':') ? `[${h.host}]` : h.host) + `:${h.port}`;

/**
 * Parses a postgres:// URL. One host is read exactly as node-postgres reads it (the URL is used
 * unchanged, its query included). Several, comma-separated as libpq writes them (postgres://u:p@db1:5432,db2:5432/db),
 * are tried in order by our connection layer; they must come with target_session_attrs=read-write
 * (or primary), because the gateway writes and must never settle on a standby.
 * Throws PostgresUrlError saying what is wrong.
 */
export function parsePostgresUrl(raw: string): PostgresUrl {
  const m = SHAPE.exec(raw.trim());
  if (!m) {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1];
    if (scheme && !/^postgres(ql)?$/.test(scheme))
      throw new PostgresUrlError(`must use the postgres:// scheme (got "${scheme}:")`);
    throw new PostgresUrlError('must be a URL such as postgres://user:password@host:5432/database');
  }
  const [, scheme, authority, pathname = '', query = ''] = m;
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : '';
  const hostList = authority.slice(at + 1);
  const user = at >= 0 ? safeDecode(authority.slice(0, at).split(':')[0]) || undefined : undefined;
  if (!hostList || pathname.length <= 1) throw new PostgresUrlError('must name a host and a database');
  const params = new URLSearchParams(query);
  const attrs = params.get('target_session_attrs') ?? 'any';
  const readWrite = attrs === 'read-write' || attrs === 'primary';

  if (!hostList.includes(',')) {
    // One host: exactly what node-postgres has always been given.
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new PostgresUrlError('must be a URL such as postgres://user:password@host:5432/database');
    }
    if (!url.hostname) throw new PostgresUrlError('must name a host and a database');
    const host = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || DEFAULT_PORT) };
    return { user, hosts: [host], readWrite, urlFor: () => raw };
  }

  const hosts = hostList.split(',').map(parseHost);
  const seen = new Set<string>();
  for (const h of hosts) {
    if (seen.has(hostText(h))) throw new PostgresUrlError(`names ${hostText(h)} twice`);
    seen.add(hostText(h));
  }
  if (!readWrite)
    throw new PostgresUrlError(
      `names several hosts with target_session_attrs=${attrs}: the gateway writes, so it needs target_session_attrs=read-write (or primary) to connect only to the primary`,
    );
  params.delete('target_session_attrs');
  const rest = params.toString() ? `?${params.toString()}` : '';
  return {
    user,
    hosts,
    readWrite,
    urlFor: (h) => `${scheme}://${userinfo}${hostText(h)}${pathname}${rest}`,
  };
}

/** "db1:5432, db2:5432": the servers of a URL, for messages (never the credentials). */
export function describeHosts(hosts: readonly PostgresHost[]): string {
  return hosts.map(hostText).join(', ');
}
