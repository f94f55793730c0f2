import net from 'node:net';
import { getFreePort } from '../../bench/lib/spawn.js';

/** getFreePort hands a child process a port that no outgoing connection can take meanwhile. */
describe('getFreePort', () => {
  it('answers ports below the ephemeral range that can be listened on', async () => {
    for (let i = 0; i < 20; i++) {
      const port = await getFreePort();
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(32_768);
      const srv = net.createServer();
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, '127.0.0.1', resolve);
      });
      await new Promise((resolve) => srv.close(resolve));
    }
  });
});
