// Minimal HTTP/1.1 client over one keep-alive TCP connection, for the load generator: requests are
// serialized to a single Buffer and written at once; responses are parsed incrementally (status
// line, Content-Length, chunked or close-delimited bodies, 1xx interim responses skipped). One
// request in flight per connection (no pipelining). Several times cheaper per request than
// http.request, which matters when the generator shares a 2-core machine with the server.
import net from 'node:net';

export interface RawOutcome {
  status: number; // 0 on connection error / timeout
  ok: boolean;
  errorCode?: string;
  bytes: number;
  /** Only when the request asked for it. */
  body?: Buffer;
  /** Only when the request asked for the body (lower-cased names, last value wins). */
  headers?: Record<string, string>;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/** Serializes a request. `headers` must not contain Host/Content-Length/Connection (they are set here). */
export function serializeRequest(
  method: string,
  path: string,
  hostHeader: string,
  headers: Record<string, string | number | string[]>,
  body: Buffer | null,
): Buffer {
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${hostHeader}\r\nconnection: keep-alive\r\n`;
  for (const [k, v] of Object.entries(headers)) {
    const lk = k.toLowerCase();
    if (lk === 'host' || lk === 'content-length' || lk === 'connection' || lk === 'transfer-encoding') continue;
    if (/[\r\n]/.test(k) || /[\r\n]/.test(String(v))) throw new Error(`header ${k} contains CR/LF`);
    for (const one of Array.isArray(v) ? v : [v]) head += `${k}: ${one}\r\n`;
  }
  if (body || method === 'POST' || method === 'PUT' || method === 'PATCH')
    head += `content-length: ${body?.length ?? 0}\r\n`;
  head += '\r\n';
  return body?.length ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'trailers' | 'close';

/** One connection; `send` may only be called when the previous request has completed. */
export class RawConnection {
  private socket: net.Socket | null = null;
  private connected = false;
  private pending: Buffer | null = null; // unparsed bytes
  private state: State = 'head';
  private remaining = 0;
  private status = 0;
  private bytes = 0;
  private closeAfter = false;
  private headOnly = false;
  private collect = false;
  private bodyChunks: Buffer[] = [];
  private headers: Record<string, string> | undefined;
  private gotBytes = false;
  private resolve: ((o: RawOutcome) => void) | null = null;
  /** performance.now() when the in-flight request was written; 0 when idle. */
  inflightSince = 0;
  /** TCP connections opened so far (1 for a well-behaved keep-alive server). */
  connects = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  send(request: Buffer, options: { headOnly?: boolean; collectBody?: boolean } = {}): Promise<RawOutcome> {
    if (this.resolve) throw new Error('RawConnection: request already in flight');
    this.state = 'head';
    this.status = 0;
    this.bytes = 0;
    this.closeAfter = false;
    this.gotBytes = false;
    this.headOnly = options.headOnly ?? false;
    this.collect = options.collectBody ?? false;
    this.bodyChunks = [];
    this.headers = undefined;
    this.pending = null;
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.inflightSince = performance.now();
      const s = this.socket ?? this.connect();
      s.write(request);
    });
  }

  /** Fails the in-flight request (e.g. on timeout) and drops the connection. */
  abort(code: string): void {
    this.fail(code);
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private connect(): net.Socket {
    const s = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.connects++;
    this.socket = s;
    this.connected = false;
    s.on('connect', () => (this.connected = true));
    s.on('data', (chunk: Buffer) => this.onData(chunk));
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (this.socket === s) this.fail(e.code ?? 'ESOCKET');
    });
    s.on('close', () => {
      if (this.socket !== s) return;
      this.socket = null;
      if (!this.resolve) return;
      if (this.state === 'close' && this.gotBytes) this.succeed();
      else this.fail(this.gotBytes ? 'EPARTIAL' : this.connected ? 'ECONNRESET' : 'ECONNREFUSED');
    });
    return s;
  }

  private fail(code: string): void {
    const r = this.resolve;
    const s = this.socket;
    this.socket = null;
    s?.destroy();
    if (!r) return;
    this.resolve = null;
    this.inflightSince = 0;
    r({ status: this.status, ok: false, errorCode: code, bytes: this.bytes });
  }

  private succeed(): void {
    const r = this.resolve!;
    this.resolve = null;
    this.inflightSince = 0;
    if (this.closeAfter) this.close();
    const o: RawOutcome = { status: this.status, ok: true, bytes: this.bytes };
    if (this.collect) {
      o.body = Buffer.concat(this.bodyChunks);
      o.headers = this.headers ?? {};
    }
    r(o);
  }

  private body(b: Buffer): void {
    if (this.collect && b.length) this.bodyChunks.push(b);
  }

  private onData(chunk: Buffer): void {
    if (!this.resolve) {
      // bytes nobody asked for: the connection is out of sync
      this.close();
      return;
    }
    this.gotBytes = true;
    this.bytes += chunk.length;
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let pos = 0;
    while (this.resolve) {
      switch (this.state) {
        case 'head': {
          const end = buf.indexOf(CRLFCRLF, pos);
          if (end < 0) {
            if (buf.length - pos > 64 * 1024) return this.fail('EHEADTOOLARGE');
            this.pending = buf.subarray(pos);
            return;
          }
          if (!this.parseHead(buf.toString('latin1', pos, end))) return this.fail('EPARSE');
          pos = end + 4;
          continue;
        }
        case 'length': {
          const n = Math.min(this.remaining, buf.length - pos);
          this.body(buf.subarray(pos, pos + n));
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) this.succeed();
          else return;
          break;
        }
        case 'chunk-size': {
          const eol = buf.indexOf(CRLF, pos);
          if (eol < 0) {
            this.pending = buf.subarray(pos);
            return;
          }
          const size = parseInt(buf.toString('latin1', pos, eol).split(';')[0], 16);
          if (!Number.isFinite(size) || size < 0) return this.fail('EPARSE');
          pos = eol + 2;
          if (size === 0) this.state = 'trailers';
          else {
            this.state = 'chunk-data';
            this.remaining = size + 2; // data + CRLF
          }
          continue;
        }
        case 'chunk-data': {
          const n = Math.min(this.remaining, buf.length - pos);
          const dataLeft = this.remaining - 2; // bytes of data (not CRLF) still expected
          if (dataLeft > 0) this.body(buf.subarray(pos, pos + Math.min(n, dataLeft)));
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = 'chunk-size';
          else return;
          continue;
        }
        case 'trailers': {
          const eol = buf.indexOf(CRLF, pos);
          if (eol < 0) {
            this.pending = buf.subarray(pos);
            return;
          }
          const empty = eol === pos;
          pos = eol + 2;
          if (empty) this.succeed();
          continue;
        }
        case 'close':
          this.body(buf.subarray(pos));
          return;
      }
    }
    if (pos < buf.length) this.close(); // trailing bytes after a complete response
  }

  /** Parses the status line and headers; sets the body framing. False if malformed. */
  private parseHead(head: string): boolean {
    if (!head.startsWith('HTTP/1.')) return false;
    const status = Number(head.slice(9, 12));
    if (!(status >= 100 && status <= 999)) return false;
    if (status >= 100 && status < 200 && status !== 101) {
      this.state = 'head'; // interim response: wait for the final one
      return true;
    }
    this.status = status;
    let length = -1;
    let chunked = false;
    const lines = head.split('\r\n');
    const keepHeaders = this.collect;
    if (keepHeaders) this.headers = {};
    this.closeAfter = head.charCodeAt(7) === 0x30; // HTTP/1.0 closes unless told otherwise
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const c = line.indexOf(':');
      if (c <= 0) continue;
      const name = line.slice(0, c).trim().toLowerCase();
      const value = line.slice(c + 1).trim();
      if (keepHeaders) this.headers![name] = value;
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
      else if (name === 'connection') {
        const v = value.toLowerCase();
        if (v.includes('close')) this.closeAfter = true;
        else if (v.includes('keep-alive')) this.closeAfter = false;
      }
    }
    if (this.headOnly || status === 204 || status === 304) {
      this.state = 'length';
      this.remaining = 0;
      this.succeed();
    } else if (chunked) this.state = 'chunk-size';
    else if (length >= 0) {
      if (!Number.isSafeInteger(length)) return false;
      this.state = 'length';
      this.remaining = length;
      if (length === 0) this.succeed();
    } else {
      this.state = 'close';
      this.closeAfter = true;
    }
    return true;
  }
}
