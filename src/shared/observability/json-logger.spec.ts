import { JsonLogger } from './json-logger.js';
import { requestContext } from './request-context.js';

describe(JsonLogger.name, () => {
  let lines: Record<string, unknown>[];
  const sut = (level: 'error' | 'warn' | 'info' | 'debug' = 'debug') =>
    new JsonLogger(level, (l) => lines.push(JSON.parse(l)));

  beforeEach(() => {
    lines = [];
  });

  it('writes one JSON object per line with time, level, context and message', () => {
    sut().log('started', 'Main');
    expect(lines).toEqual([
      { time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: 'info', context: 'Main', msg: 'started' },
    ]);
  });

  it('drops lines below its level', () => {
    const logger = sut('warn');
    logger.debug('d');
    logger.log('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => l.level)).toEqual(['warn', 'error']);
  });

  it('carries the request id of the current request', () => {
    requestContext.run({ requestId: 'req-42' }, () => sut().event('info', 'request', { status: 200 }));
    expect(lines[0]).toEqual(expect.objectContaining({ requestId: 'req-42', msg: 'request', status: 200 }));
  });

  it('redacts credentials and case data by key, however deep', () => {
    sut().event('info', 'x', {
      authorization: 'Bearer eyJhbGciOi',
      nested: {
        token: 'eyJ',
        jws: 'a.b.c',
        d: 'private',
        key: 'k',
        body: { crn: 'X123456' },
        person: { name: 'A' },
        data: [1],
        fine: 'ok',
      },
    });
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/eyJ|a\.b\.c|private|X123456/);
    expect(lines[0]).toEqual(
      expect.objectContaining({
        authorization: '[redacted]',
        nested: expect.objectContaining({ token: '[redacted]', body: '[redacted]', fine: 'ok' }),
      }),
    );
  });

  it('redacts cookies and the free-text reasons tokens carry', () => {
    sut().event('info', 'x', { cookie: 'ig_session=abc', req: { reason: 'Visit re X123456', justification: 'j' } });
    expect(JSON.stringify(lines[0])).not.toMatch(/abc|X123456/);
    expect(lines[0]).toEqual(
      expect.objectContaining({ cookie: '[redacted]', req: { reason: '[redacted]', justification: '[redacted]' } }),
    );
  });

  it('logs an Error by name and message', () => {
    sut().error(new Error('boom'));
    expect(lines[0]).toEqual(expect.objectContaining({ level: 'error', msg: 'boom' }));
  });
});
