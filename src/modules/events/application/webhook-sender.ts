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

/**
 * POSTs one delivery to an already-checked target. It connects only to the checked address (no
 * second DNS lookup), follows no redirect (a 3xx is a failure like any non-2xx), reads at most
 * MAX_RESPONSE_BYTES of the answer and gives up after `timeoutMs` in all, so a slow or hostile
 * receiver costs one delivery slot for a bounded time.
 */
export function send(
  target: CheckedTarget,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<SendResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
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
      agent: false,
      headers: {
        ...headers,
        'content-type': 'application/json',
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
        done({
          ok: status >= 200 && status < 300,
          status,
          error: status >= 200 && status < 300 ? null : `HTTP ${status}`,
        }),
      );
      res.on('error', (e) => done({ ok: false, status, error: e.message }));
    });
    req.on('error', (e) => done({ ok: false, status: null, error: e.message }));
    req.end(body);
  });
}
