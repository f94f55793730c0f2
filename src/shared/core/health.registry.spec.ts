import { HealthRegistry } from './health.registry.js';

describe(HealthRegistry.name, () => {
  it('is ok when every check passes', async () => {
    const sut = new HealthRegistry();
    sut.register('database', () => Promise.resolve());
    sut.register('accessLog', () => Promise.resolve());
    const r = await sut.run();
    expect(r).toEqual({
      ok: true,
      checks: {
        database: { status: 'up', latencyMs: expect.any(Number) },
        accessLog: { status: 'up', latencyMs: expect.any(Number) },
      },
    });
  });

  it('is not ok when one check fails, naming it', async () => {
    const sut = new HealthRegistry();
    sut.register('database', () => Promise.reject(new Error('connect ECONNREFUSED')));
    sut.register('accessLog', () => Promise.resolve());
    const r = await sut.run();
    expect(r.ok).toBe(false);
    expect(r.checks.database).toEqual(expect.objectContaining({ status: 'down', detail: 'connect ECONNREFUSED' }));
    expect(r.checks.accessLog.status).toBe('up');
  });

  it('counts a check that hangs as down after the time limit', async () => {
    const sut = new HealthRegistry();
    sut.register('database', () => new Promise<void>(() => undefined));
    const r = await sut.run(50);
    expect(r).toEqual({
      ok: false,
      checks: { database: expect.objectContaining({ status: 'down', detail: 'timed out' }) },
    });
  });

  it('shares one run among callers that arrive while it is in flight, and runs afresh afterwards', async () => {
    const sut = new HealthRegistry();
    let runs = 0;
    let release!: () => void;
    sut.register('accessLog', () => {
      runs++;
      return new Promise<void>((r) => (release = r));
    });
    const waiting = Array.from({ length: 32 }, () => sut.run());
    release();
    const reports = await Promise.all(waiting);
    expect(runs).toBe(1);
    expect(new Set(reports).size).toBe(1);
    const next = sut.run();
    release();
    await next;
    expect(runs).toBe(2);
  });
});
