import { PassThrough } from 'node:stream';
import { clientErrorHandler, transportRefusal } from './client-error.js';

function answer(code: string): string {
  const socket = new PassThrough();
  socket.on('error', () => undefined); // destroy(err) re-emits the parser error
  let written = '';
  socket.write = ((chunk: string) => ((written += chunk), true)) as typeof socket.write;
  clientErrorHandler(Object.assign(new Error(code), { code }), socket);
  return written;
}

describe('clientErrorHandler', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'headers_too_large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request_timeout'],
    ['HPE_INVALID_METHOD', 400, 'malformed_request'],
  ])('answers %s with a problem+json %i', (code, status, type) => {
    const [head, body] = answer(code).split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/);
    expect(JSON.parse(body)).toEqual({
      type: `urn:probation-gateway:problem:${type}`,
      title: expect.any(String),
      status,
      detail: expect.any(String),
    });
  });

  it('writes nothing to a connection the client already reset', () => {
    expect(answer('ECONNRESET')).toBe('');
  });
});

describe(transportRefusal.name, () => {
  it('takes an HTTP/1.1 request with Host and no encoding, and HTTP/1.0 without Host', () => {
    expect(transportRefusal({ host: 'gw' }, '1.1')).toBeNull();
    expect(transportRefusal({ host: 'gw', 'content-encoding': ' Identity ' }, '1.1')).toBeNull();
    expect(transportRefusal({}, '1.0')).toBeNull();
  });

  it.each(['application/json; charset=utf-16', 'application/json;charset="latin1"', 'application/json; charset=bogus'])(
    'refuses %s (415): bodies are read as UTF-8',
    (type) => {
      expect(transportRefusal({ host: 'gw', 'content-type': type }, '1.1')).toMatchObject({
        code: 'unsupported_media_type',
      });
    },
  );

  it.each([
    'application/json',
    'application/json; charset=UTF-8',
    'application/json;charset="utf-8"',
    'text/plain; charset=us-ascii',
  ])('takes %s', (type) => {
    expect(transportRefusal({ host: 'gw', 'content-type': type }, '1.1')).toBeNull();
  });

  it('refuses an HTTP/1.1 request without Host (400)', () => {
    expect(transportRefusal({}, '1.1')).toMatchObject({ code: 'malformed_request', kind: 'invalid' });
  });

  it.each(['gzip', 'bogus', 'gzip, identity', 'br'])('refuses Content-Encoding %s (415)', (encoding) => {
    expect(transportRefusal({ host: 'gw', 'content-encoding': encoding }, '1.1')).toMatchObject({
      code: 'unsupported_media_type',
      kind: 'unsupported_media_type',
    });
  });
});
