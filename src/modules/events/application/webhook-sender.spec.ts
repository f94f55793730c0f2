import { jest } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { send, WebhookConnections } from './webhook-sender.js';
import type { CheckedTarget } from './url-guard.js';

const target = (url: string, address: string): CheckedTarget => ({ url: new URL(url), address, family: 4 });

describe('WebhookConnections', () => {
  it('keeps one agent per URL origin and checked address: a name resolving elsewhere never reuses a connection', () => {
    const c = new WebhookConnections();
    const a = c.agentFor(target('http://hooks.example:8080/a', '192.0.2.1'));
    expect(c.agentFor(target('http://hooks.example:8080/b', '192.0.2.1'))).toBe(a);
    expect(c.agentFor(target('http://hooks.example:8080/a', '192.0.2.2'))).not.toBe(a);
    expect(c.agentFor(target('https://hooks.example:8080/a', '192.0.2.1'))).not.toBe(a);
    c.close();
  });

  it('closes the least recently used destination beyond its limit', () => {
    const c = new WebhookConnections(2);
    const first = c.agentFor(target('http://a.example/', '192.0.2.1'));
    const destroy = jest.spyOn(first, 'destroy');
    c.agentFor(target('http://b.example/', '192.0.2.2'));
    c.agentFor(target('http://c.example/', '192.0.2.3'));
    expect(destroy).toHaveBeenCalled();
    expect(c.agentFor(target('http://a.example/', '192.0.2.1'))).not.toBe(first);
    c.close();
  });

  it('reuses the connection after a complete answer, and not after one cut off at the size limit', async () => {
    const sockets = new Set<unknown>();
    const server = http.createServer((req, res) => {
      sockets.add(req.socket);
      req.resume();
      req.on('end', () => res.end(req.url === '/big' ? 'x'.repeat(70 * 1024) : 'ok'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const c = new WebhookConnections();
    try {
      const small = target(`http://127.0.0.1:${port}/small`, '127.0.0.1');
      for (let i = 0; i < 3; i++) expect((await send(small, '{}', {}, 2000, c)).ok).toBe(true);
      expect(sockets.size).toBe(1);
      expect((await send(target(`http://127.0.0.1:${port}/big`, '127.0.0.1'), '{}', {}, 2000, c)).ok).toBe(true);
      expect((await send(small, '{}', {}, 2000, c)).ok).toBe(true);
      expect(sockets.size).toBe(2);
    } finally {
      c.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
