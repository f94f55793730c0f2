import { HealthRegistry } from './health.registry.js';

describe(HealthRegistry.name, () => {
  it('is ok when every check passes', async () => {
    const sut = new HealthRegistry();
    sut.register('database', async () => undefined);
    sut.register('accessLog', async () => undefined);
    const r = await sut.run();
    expect(r).toEqual({ ok: true, checks: { database: { status: 'up', latencyMs: expect.any(Number) }, accessLog: { status: 'up', latencyMs: expect.any(Number) } } });
  });

  it('is not ok when one check fails, naming it', async () => {
    const sut = new HealthRegistry();
    sut.register('database', async () => {
      throw new Error('connect ECONNREFUSED');
    });
    sut.register('accessLog', async () => undefined);
    const r = await sut.run();
    expect(r.ok).toBe(false);
    expect(r.checks.database).toEqual(expect.objectContaining({ status: 'down', detail: 'connect ECONNREFUSED' }));
    expect(r.checks.accessLog.status).toBe('up');
  });

  it('counts a check that hangs as down after the time limit', async () => {
    const sut = new HealthRegistry();
    sut.register('database', () => new Promise<void>(() => undefined));
    const r = await sut.run(50);
    expect(r).toEqual({ ok: false, checks: { database: expect.objectContaining({ status: 'down', detail: 'timed out' }) } });
  });
});
