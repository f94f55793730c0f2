// Guards shared by the benchmark helpers: benchmark traffic may only go to this machine's loopback
// interface, never to another host.
import { isIP } from 'node:net';

export interface LoopbackTarget {
  /** The original URL, parsed. */
  url: URL;
  /** The address to connect to (`localhost` is pinned to 127.0.0.1, never resolved). */
  host: string;
  port: number;
}

function isLoopbackAddress(host: string): boolean {
  if (host === '::1') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  return false;
}

/**
 * Parses `url` and checks it is plain `http:` to a loopback address (127.0.0.0/8, ::1 or
 * `localhost`, which is pinned to 127.0.0.1 rather than resolved). Throws otherwise.
 */
export function assertLoopbackUrl(url: string | URL): LoopbackTarget {
  const u = typeof url === 'string' ? new URL(url) : new URL(url.href);
  if (u.protocol !== 'http:') throw new Error(`benchmark URL must be http: on loopback, got ${u.protocol} (${u.href})`);
  const bare = u.hostname.replace(/^\[(.*)\]$/, '$1');
  let host: string;
  if (bare === 'localhost') host = '127.0.0.1';
  else if (isLoopbackAddress(bare)) host = bare;
  else throw new Error(`benchmark traffic is restricted to loopback (127.0.0.1/::1); refusing ${u.href}`);
  const port = u.port ? Number(u.port) : 80;
  return { url: u, host, port };
}

/** Checks a request target is an origin-relative path (so it cannot redirect traffic to another host). */
export function assertRelativePath(path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) {
    throw new Error(`request path must start with a single "/", got ${JSON.stringify(path)}`);
  }
  if (/[\s\r\n]/.test(path)) throw new Error(`request path must not contain whitespace: ${JSON.stringify(path)}`);
  return path;
}
