import { jest } from '@jest/globals';
import { HttpException, NotFoundException as NestNotFound } from '@nestjs/common';
import { DomainException, ValidationException } from '@shared/errors/index.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { sendProblem, toProblem } from './problem.filter.js';

describe(toProblem.name, () => {
  let lines: string[];
  let logger: JsonLogger;

  beforeEach(() => {
    lines = [];
    logger = new JsonLogger('debug', (l) => lines.push(l));
  });

  it('maps a coded domain exception through its kind, with its fields and Retry-After', () => {
    const p = toProblem(
      new DomainException('kid_reused', 'conflict', 'kid k1 names another key', {
        errors: [{ field: 'keys[0].kid', message: 'reused' }],
      }),
      'r1',
    );
    expect(p).toEqual({
      status: 409,
      body: {
        type: 'urn:probation-gateway:problem:kid_reused',
        title: 'Conflict',
        status: 409,
        detail: 'kid k1 names another key',
        requestId: 'r1',
        errors: [{ field: 'keys[0].kid', message: 'reused' }],
      },
      retryAfter: undefined,
    });
    expect(
      toProblem(new DomainException('rate_limited', 'rate_limited', 'slow down', { retryAfterSeconds: 3 }), 'r2')
        .retryAfter,
    ).toBe(3);
    expect(toProblem(new ValidationException([{ field: 'id', message: 'bad' }]), 'r3').body.title).toBe(
      'Invalid request',
    );
  });

  it.each([
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'payload_too_large'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'unsupported_media_type'],
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'invalid_json'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'invalid_json'],
  ])('maps Fastify %s, bare or wrapped by Nest, to %i', (code, status, type) => {
    const bare = Object.assign(new Error('x'), { code, statusCode: status });
    const wrapped = new HttpException('x', status, { cause: bare });
    for (const e of [bare, wrapped])
      expect([toProblem(e, 'r').status, toProblem(e, 'r').body.type]).toEqual([
        status,
        `urn:probation-gateway:problem:${type}`,
      ]);
  });

  it('maps an unknown route to 404 route_not_found', () => {
    expect(toProblem(new NestNotFound('Cannot GET /x'), 'r').body).toEqual(
      expect.objectContaining({ status: 404, type: 'urn:probation-gateway:problem:route_not_found' }),
    );
  });

  it('maps a lost database to 503 with Retry-After, logging a warning', () => {
    const p = toProblem(
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }),
      'r',
      logger,
    );
    expect([p.status, p.retryAfter, p.body.type]).toEqual([
      503,
      5,
      'urn:probation-gateway:problem:database_unavailable',
    ]);
    expect(p.body.detail).not.toMatch(/ECONNREFUSED|10\.0\.0\.5/);
    expect(JSON.parse(lines[0])).toEqual(expect.objectContaining({ level: 'warn', msg: 'database unavailable' }));
  });

  it('hides everything about an unexpected error from the client and logs it', () => {
    const p = toProblem(
      new TypeError("Cannot read properties of undefined (reading 'secret') at /app/src/x.ts:10"),
      'r',
      logger,
    );
    expect(p.status).toBe(500);
    expect(JSON.stringify(p.body)).not.toMatch(/secret|x\.ts|TypeError/);
    expect(JSON.parse(lines[0])).toEqual(expect.objectContaining({ level: 'error', msg: 'unhandled error' }));
  });
});

describe(sendProblem.name, () => {
  function reply() {
    const headers: Record<string, string> = {};
    const r = {
      statusCode: 0,
      body: '',
      headers,
      status: jest.fn((c: number) => ((r.statusCode = c), r)),
      header: jest.fn((k: string, v: string) => ((headers[k] = v), r)),
      send: jest.fn((b: string) => ((r.body = b), r)),
    };
    return r;
  }

  it('writes problem+json, no-store, Retry-After and a Bearer challenge on 401', () => {
    const r = reply();
    sendProblem(r, toProblem(new DomainException('auth_expired', 'unauthenticated', 'expired'), 'r1'));
    expect(r.statusCode).toBe(401);
    expect(r.headers).toEqual(
      expect.objectContaining({
        'content-type': 'application/problem+json; charset=utf-8',
        'cache-control': 'no-store',
        'www-authenticate': expect.stringMatching(/^Bearer/),
      }),
    );
    expect(JSON.parse(r.body)).toEqual(expect.objectContaining({ status: 401, requestId: 'r1' }));
    const limited = reply();
    sendProblem(
      limited,
      toProblem(new DomainException('rate_limited', 'rate_limited', 'x', { retryAfterSeconds: 2 }), 'r2'),
    );
    expect(limited.headers['retry-after']).toBe('2');
  });

  it('does nothing once a response was sent', () => {
    const r = { ...reply(), sent: true };
    sendProblem(r, toProblem(new Error('late'), 'r'));
    expect(r.send).not.toHaveBeenCalled();
  });
});
