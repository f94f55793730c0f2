import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';

/**
 * Whether an error means "the database cannot be used right now" (down, restarting, connection
 * lost, overloaded, statement timeout) rather than a bug. Such errors become 503, never 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    // TypeORM releases a query runner whose connection emitted 'error' (the server died between two
    // statements of a transaction, as when the primary is lost); the transaction's next query, or
    // its COMMIT, then throws one of these without reaching the server.
    if (e instanceof QueryRunnerProviderAlreadyReleasedError || e instanceof QueryRunnerAlreadyReleasedError)
      return true;
    const o = e as { code?: unknown; syscall?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    const code = typeof o.code === 'string' ? o.code : '';
    // SQLSTATE classes: 08 connection exception, 53 insufficient resources, 57 operator intervention
    // (admin/crash shutdown, cannot connect now, query_canceled by statement_timeout), 58 system error.
    if (/^(08|53|57|58)/.test(code) || code === '40P01' || code === '55P03') return true;
    if (
      [
        'ECONNREFUSED',
        'ECONNRESET',
        'ETIMEDOUT',
        'EPIPE',
        'ENOTFOUND',
        'EHOSTUNREACH',
        'ENETUNREACH',
        'EAI_AGAIN',
      ].includes(code)
    )
      return true;
    // A Unix-domain socket whose server is stopped is gone: connecting to it fails with ENOENT.
    if (code === 'ENOENT' && o.syscall === 'connect') return true;
    const msg = typeof o.message === 'string' ? o.message : '';
    if (
      /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|terminating connection|the database system is (starting up|shutting down)|Cannot use a pool after calling end|Client was closed/i.test(
        msg,
      )
    )
      return true;
    e = o.driverError ?? o.cause;
  }
  return false;
}
