import { SchedulerRegistry } from '@nestjs/schedule';
import { TestGateway } from '../setup/test-app.js';

describe('Periodic jobs', () => {
  it('run as named intervals of the SchedulerRegistry, all cleared when the app closes', async () => {
    const gw = await TestGateway.start();
    const registry = gw.app.get(SchedulerRegistry);
    try {
      expect(registry.getIntervals().sort()).toEqual(
        expect.arrayContaining([
          'access-log.checkpoint',
          'access-log.intent-sweep',
          'access-log.prune',
          'agreements.expiry-sweep',
          'auth.replay-sweep',
          'events.delivery',
          'exchange.deadline-sweep',
          'retention.review',
        ]),
      );
    } finally {
      await gw.close();
    }
    expect(registry.getIntervals()).toEqual([]);
  });
});
