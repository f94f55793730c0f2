import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedTarget } from './url-guard.js';

/** The outcome of one POST: `ok` only for a 2xx answer within the time limit. */
export interface SendResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** Bytes of a receiver's answer read before the connection is dropped. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** Idle keep-alive connections to a receiver are closed after this long. */
const IDLE_CONNECTION_MS = 5_000;

/**
 * Keep-alive connections for webhook deliveries, one agent per checked destination: scheme, host,
 * port AND the address the URL guard pinned. A reused connection therefore always leads to an
 * address the guard passed for that URL; when the name resolves elsewhere, the new address gets
 * its own agent and is checked like any other. At most `maxAgents` destinations are kept (the
 * least recently used is closed).
 */
export class WebhookConnections {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly maxAgents = 256) {}

  agentFor(target: CheckedTarget): http.Agent {
    const key = `${target.url.protocol}//${target.url.host}@${target.address}`;
    let agent = this.agents.get(key);
    if (agent) {
      this.agents.delete(key);
    } else {
      const options = { keepAlive: true, maxSockets: 8, maxFreeSockets: 8, timeout: IDLE_CONNECTION_MS };
      agent = target.url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    }
    this.agents.set(key, agent);
    if (this.agents.size > this.maxAgents) {
      const [oldest, old] = this.agents.entries().next().value as [string, http.Agent];
      this.agents.delete(oldest);
      old.destroy();
    }
    return agent;
  }

  /** Closes every connection. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/**
 * POSTs one delivery to an already-checked target. It connects only to the checked address (no
 * second DNS lookup; a kept-alive connection of `connections` was made to the same address),
 * follows no redirect (a 3xx is a failure like any non-2xx), reads at most MAX_RESPONSE_BYTES of
 * the answer and gives up after `timeoutMs` in all, so a slow or hostile receiver costs one
 * delivery slot for a bounded time. The connection is kept for the next delivery only after a
 * complete answer within those limits; otherwise it is closed.
 */
export function send(
  target: CheckedTarget,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  connections?: WebhookConnections,
): Promise<SendResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: SendResult, keepConnection = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!keepConnection) req.destroy();
      resolve(r);
    };
    const pinned: LookupFunction = (_host, opts, cb) => {
      if ((opts as { all?: boolean }).all)
        (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
          { address: target.address, family: target.family },
        ]);
      else cb(null, target.address, target.family);
    };
    const lib = target.url.protocol === 'https:' ? https : http;
    const req = lib.request(target.url, {
      method: 'POST',
      lookup: pinned,
      agent: connections ? connections.agentFor(target) : false,
      headers: {
        ...headers,
        // Structured mode of the CloudEvents HTTP binding: the whole envelope is the body.
        'content-type': 'application/cloudevents+json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'probation-gateway-webhooks',
      },
    });
    const timer = setTimeout(
      () => done({ ok: false, status: null, error: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES)
          done({
            ok: status >= 200 && status < 300,
            status,
            error: status >= 200 && status < 300 ? null : `HTTP ${status}`,
          });
      });
      res.on('end', () =>
        done(
          {
            ok: status >= 200 && status < 300,
            status,
            error: status >= 200 && status < 300 ? null : `HTTP ${status}`,
          },
          true,
        ),
      );
      res.on('error', (e) => done({ ok: false, status, error: e.message }));
    });
    req.on('error', (e) => done({ ok: false, status: null, error: e.message }));
    req.end(body);
  });
}
