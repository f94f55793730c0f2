import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Witness, WitnessResponse } from './witness.js';

/** The largest request body read: 63 proof lines and a checkpoint with many signatures fit easily. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The witness's HTTP interface: POST /add-checkpoint (submission) and
 * GET /<origin hash>/checkpoint (monitoring), both under `prefix` (default none).
 */
export function witnessServer(witness: Witness, prefix = ''): Server {
  return createServer((req, res) => {
    // handle() never rejects past the catch below, and writing the answer cannot throw into it.
    void handle(witness, prefix, req)
      .catch(() => ({ status: 500, contentType: 'text/plain; charset=utf-8', body: 'internal error\n' }))
      .then((r) => {
        res.writeHead(r.status, {
          'content-type': r.contentType,
          'cache-control': 'no-store',
          'content-length': Buffer.byteLength(r.body),
        });
        res.end(r.body);
      });
  });
}

async function handle(witness: Witness, prefix: string, req: IncomingMessage): Promise<WitnessResponse> {
  const url = new URL(req.url ?? '/', 'http://witness');
  const route = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
  if (route === '/add-checkpoint') {
    if (req.method !== 'POST') return plain(405, 'use POST');
    const body = await readBody(req);
    if (body === undefined) return plain(413, 'request body too large');
    if (body === null) return plain(400, 'the body is not UTF-8');
    return witness.addCheckpoint(body);
  }
  const m = /^\/([0-9a-f]{64})\/checkpoint$/.exec(route);
  if (m && req.method === 'GET') return witness.checkpointByOriginHash(m[1]);
  if (route === '/key' && req.method === 'GET') return plain(200, witness.verifierKey);
  return plain(404, 'not found');
}

function plain(status: number, body: string): WitnessResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body: body + '\n' };
}

/** The body as UTF-8 text; undefined when too large, null when not valid UTF-8. */
async function readBody(req: IncomingMessage): Promise<string | undefined | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    return null;
  }
}
