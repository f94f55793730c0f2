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

  it('shares rounds: callers arriving while one is in flight share the single round that starts after it', async () => {
    const sut = new HealthRegistry();
    let runs = 0;
    let release!: () => void;
    sut.register('accessLog', () => {
      runs++;
      return new Promise<void>((r) => (release = r));
    });
    const first = sut.run();
    const late = Array.from({ length: 32 }, () => sut.run());
    release();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(runs).toBe(2);
    release();
    const reports = await Promise.all(late);
    expect(runs).toBe(2);
    expect(new Set(reports).size).toBe(1);
    const next = sut.run();
    await new Promise((r) => setImmediate(r));
    release();
    await next;
    expect(runs).toBe(3);
  });

  it('never answers a caller with a round that started before it asked', async () => {
    const sut = new HealthRegistry();
    let up = true;
    let release!: () => void;
    sut.register('database', () => {
      const wasUp = up;
      return new Promise<void>((resolve, reject) => (release = () => (wasUp ? resolve() : reject(new Error('gone')))));
    });
    const before = sut.run(); // its round checks while the database is up
    up = false; // the database goes; this caller asks after that
    const after = sut.run();
    release();
    expect((await before).ok).toBe(true);
    await new Promise((r) => setImmediate(r));
    release();
    expect(await after).toEqual({
      ok: false,
      checks: { database: expect.objectContaining({ status: 'down', detail: 'gone' }) },
    });
  });
});
