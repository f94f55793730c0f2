import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { problemType } from './problem-mapping.js';

/**
 * Fastify's clientErrorHandler: errors Node's HTTP parser raises before any route runs (headers
 * over the size limit, a request that outlived REQUEST_TIMEOUT_MS, a malformed request line)
 * get a problem+json answer like every other error, instead of Fastify's default plain JSON.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection is already gone: nothing to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'The request was not received in full within the time allowed.']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'The request headers exceed the size allowed.']
        : [400, 'malformed_request', 'The request is not valid HTTP/1.1.'];
  const body = JSON.stringify({ type: problemType(code), title: STATUS_CODES[status], status, detail });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
