import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { DomainException } from './domain.exception.js';
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

/** The charset names a body may declare: UTF-8, and US-ASCII, which is a part of it. */
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * What the HTTP layer itself cannot take, refused before routing: an HTTP/1.1 request without
 * Host (RFC 9112 3.2; Node's own refusal would be a bare 400, so the server is built with
 * `requireHostHeader: false` and the refusal is made here), and a body with a Content-Encoding
 * other than identity, which the body parsers would read as if it had none (RFC 9110 8.4.1: 415).
 */
export function transportRefusal(
  headers: Record<string, string | string[] | undefined>,
  httpVersion: string,
): DomainException | null {
  if (httpVersion === '1.1' && headers.host === undefined)
    return new DomainException('malformed_request', 'invalid', 'An HTTP/1.1 request needs a Host header.');
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && String(encoding).trim().toLowerCase() !== 'identity')
    return new DomainException(
      'unsupported_media_type',
      'unsupported_media_type',
      `Content-Encoding ${JSON.stringify(String(encoding).slice(0, 40))} is not accepted: send the body uncompressed.`,
    );
  // Bodies are read as UTF-8 whatever a charset parameter says: one naming another encoding is
  // refused rather than misread (a UTF-16 body was a 400 for malformed JSON).
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(String(headers['content-type'] ?? ''))?.[1].toLowerCase();
  if (charset !== undefined && !UTF8_NAMES.has(charset))
    return new DomainException(
      'unsupported_media_type',
      'unsupported_media_type',
      `charset ${JSON.stringify(charset.slice(0, 40))} is not accepted: bodies are UTF-8.`,
    );
  return null;
}
