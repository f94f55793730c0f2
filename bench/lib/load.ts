// Closed-loop HTTP/1.1 load generator for our benchmarks.
//
// `concurrency` virtual clients each send one request, wait for the whole response, and send the
// next one at once (closed loop: the offered load adapts to the server, as with wrk/autocannon).
// Each client keeps its own keep-alive connection. Two transports: 'raw' (default; ./raw-client.ts,
// a minimal HTTP/1.1 client on net.Socket, one pre-serialized write per request) and 'http'
// (node:http with a keep-alive Agent, maxSockets = concurrency). On 2 cores the generator competes
// with the server for CPU, and http.request costs about 3x more CPU per request than 'raw' (it
// saturated a core at ~15k req/s here), so 'raw' is the default. undici is not installed.
// Not autocannon: with a new Authorization header on every request (signed requests need a fresh
// token each), autocannon spent 53-67 us of client CPU per request here against 35-40 us for 'raw',
// CPU that on 2 cores is taken from the server under test.
// The run has a warm-up phase (traffic, nothing recorded), then a measured phase; it stops by
// itself after `durationMs`, after `maxRequests` measured requests, or after `maxErrors` errors,
// whichever comes first, and every request has a timeout. Traffic only goes to loopback.
//
// In process:   const r = await runLoad({ baseUrl, concurrency: 64, durationMs: 5000, ... })
// In a child:   const r = await runLoadInChild({ ..., makeRequestModule: '/abs/path/module.js' })
//               (so the generator does not share an event loop with the caller)
// From a shell: node dist/bench/lib/load.js --url http://127.0.0.1:3000/hello -c 64 -d 5000 -w 1000
import http from 'node:http';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LatencyHistogram } from './histogram.js';
import { assertLoopbackUrl, assertRelativePath } from './loopback.js';
import { RawConnection, serializeRequest } from './raw-client.js';

export interface RequestSpec {
  /** Default GET. */
  method?: string;
  /** Origin-relative path with query, e.g. `/hello?x=1`. Default: the path of `url`. */
  path?: string;
  headers?: Record<string, string | number | string[]>;
  /**
   * String/Buffer bodies are sent as they are; any other non-null value is JSON-encoded and gets
   * `content-type: application/json` unless a content-type header is given.
   */
  body?: string | Buffer | Uint8Array | object | null;
}

/** Builds the next request of client `clientIndex` (0-based); `seq` counts that client's requests from 0. */
export type MakeRequest = (clientIndex: number, seq: number) => RequestSpec | Promise<RequestSpec>;

/** Optional check of a response body (only read when given); false counts the request as an error. */
export type CheckResponse = (status: number, body: Buffer, headers: http.IncomingHttpHeaders) => boolean;

export interface LoadOptions {
  /** Full target URL; requests default to GET of this URL's path. One of url/baseUrl is required. */
  url?: string;
  /** Origin to send requests to, e.g. `http://127.0.0.1:3000`. */
  baseUrl?: string;
  /** Number of concurrent closed-loop clients (1..4096). */
  concurrency: number;
  /** Measured phase length. Capped at 30 minutes. */
  durationMs: number;
  /** Warm-up phase before measuring (traffic is sent, nothing recorded). Default 0. */
  warmupMs?: number;
  /** Stop once this many requests have completed in the measured phase. */
  maxRequests?: number;
  /** Request factory; alternatively `requests`, cycled through per client. Default: GET url. */
  makeRequest?: MakeRequest;
  requests?: RequestSpec[];
  /** Which statuses count as success. Default 2xx. */
  expectStatus?: (status: number) => boolean;
  /** Body check; the body is only buffered when this is given. */
  checkResponse?: CheckResponse;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Give up once this many errors happened (warm-up included). Default 10_000. */
  maxErrors?: number;
  /** Pause of a client after a connection-level error, so a dead server does not spin the loop. Default 10 ms. */
  errorBackoffMs?: number;
  /** Stop early (the result covers what was measured until then). */
  signal?: AbortSignal;
  /**
   * 'raw' (default): our own minimal HTTP/1.1 client on one net.Socket per client, several times
   * cheaper per request; 'http': node:http with a keep-alive Agent (reference implementation).
   */
  transport?: 'raw' | 'http';
}

export interface LoadResult {
  /** Requests that completed successfully in the measured phase. */
  requests: number;
  /** Failures in the measured phase: connection errors, timeouts, unexpected statuses, failed checks. */
  errors: number;
  /** Responses by status code in the measured phase (successes and failures). */
  statusCounts: Record<string, number>;
  /** Failures by kind: `status <code>`, `check`, or an error code such as ECONNRESET or ETIMEDOUT. */
  errorCounts: Record<string, number>;
  /** Successful requests per second over the measured phase. */
  rps: number;
  /** Latency percentiles of successful requests, in milliseconds (hdr-histogram-js, <0.1 % error). */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  minMs: number;
  meanMs: number;
  maxMs: number;
  /** Actual length of the measured phase. */
  elapsedMs: number;
  warmupRequests: number;
  concurrency: number;
  /** Bytes received in the measured phase: whole responses for 'raw', bodies only for 'http'. */
  bytesReceived: number;
  stoppedBy: 'duration' | 'maxRequests' | 'maxErrors' | 'signal';
  /**
   * TCP connections opened over the whole run, warm-up included ('raw' transport only, else
   * undefined). More than `concurrency` means the server closed keep-alive connections.
   */
  connectionsOpened?: number;
  /**
   * CPU time of the generator's process over the measured phase, as % of one core. Near 100 %
   * means the generator (single-threaded) is probably the bottleneck, not the server.
   */
  clientCpuPercent: number;
}

interface Prepared {
  method: string;
  path: string;
  headers: Record<string, string | number | string[]>;
  body: Buffer | null;
  /** The serialized request, for the raw transport. */
  wire?: Buffer;
}

const MAX_DURATION_MS = 30 * 60_000;

function prepare(spec: RequestSpec, defaultPath: string, hostHeader: string | null): Prepared {
  const method = (spec.method ?? 'GET').toUpperCase();
  const path = assertRelativePath(spec.path ?? defaultPath);
  const headers: Record<string, string | number | string[]> = { ...(spec.headers ?? {}) };
  let body: Buffer | null = null;
  const b = spec.body;
  if (b !== undefined && b !== null) {
    if (typeof b === 'string') body = Buffer.from(b);
    else if (b instanceof Uint8Array) body = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    else {
      body = Buffer.from(JSON.stringify(b));
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
  }
  if (hostHeader !== null)
    return { method, path, headers, body, wire: serializeRequest(method, path, hostHeader, headers, body) };
  if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length'))
    headers['content-length'] = body.length;
  return { method, path, headers, body };
}

function isThenable<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown })?.then === 'function';
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Outcome {
  status: number; // 0 on connection error / timeout
  errorCode?: string;
  ok: boolean;
  bytes: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base = options.url ?? options.baseUrl;
  if (!base) throw new Error('runLoad: url or baseUrl is required');
  const target = assertLoopbackUrl(base);
  const defaultPath = options.url ? target.url.pathname + target.url.search : '/';
  const concurrency = Math.floor(options.concurrency);
  if (!(concurrency >= 1 && concurrency <= 4096))
    throw new Error(`runLoad: concurrency must be 1..4096, got ${options.concurrency}`);
  const durationMs = options.durationMs;
  if (!(durationMs > 0 && durationMs <= MAX_DURATION_MS))
    throw new Error(`runLoad: durationMs must be in (0, ${MAX_DURATION_MS}], got ${durationMs}`);
  const warmupMs = Math.max(0, Math.min(options.warmupMs ?? 0, MAX_DURATION_MS));
  const maxRequests = options.maxRequests ?? Infinity;
  const maxErrors = options.maxErrors ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const errorBackoffMs = options.errorBackoffMs ?? 10;
  const expectStatus = options.expectStatus ?? ((s: number) => s >= 200 && s < 300);
  const checkResponse = options.checkResponse;
  if (options.makeRequest && options.requests) throw new Error('runLoad: give makeRequest or requests, not both');
  const transport = options.transport ?? 'raw';
  if (transport !== 'raw' && transport !== 'http') throw new Error(`runLoad: unknown transport ${String(transport)}`);
  const hostHeader = transport === 'raw' ? target.url.host : null;

  // Request source. Static specs are prepared once; a factory's output is prepared per request.
  let next: (ci: number, seq: number) => Prepared | Promise<Prepared>;
  if (options.makeRequest) {
    const make = options.makeRequest;
    next = (ci, seq) => {
      const spec = make(ci, seq);
      return isThenable(spec)
        ? spec.then((s) => prepare(s, defaultPath, hostHeader))
        : prepare(spec, defaultPath, hostHeader);
    };
  } else {
    const specs = (options.requests?.length ? options.requests : [{}]).map((s) => prepare(s, defaultPath, hostHeader));
    next = (ci, seq) => specs[(ci + seq) % specs.length];
  }

  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: concurrency,
    maxFreeSockets: concurrency,
    scheduling: 'fifo',
    noDelay: true,
  });

  const hist = new LatencyHistogram();
  const statusCounts: Record<string, number> = {};
  const errorCounts: Record<string, number> = {};
  let requests = 0;
  let errors = 0;
  let totalErrors = 0;
  let warmupRequests = 0;
  let bytesReceived = 0;

  let phase: 'warmup' | 'measure' | 'done' = warmupMs > 0 ? 'warmup' : 'measure';
  let stoppedBy: LoadResult['stoppedBy'] = 'duration';
  const t0 = performance.now();
  let measureStart = phase === 'measure' ? t0 : Infinity;
  let measureEnd = Infinity;
  let cpuStart = process.cpuUsage();

  const stop = (why: LoadResult['stoppedBy']) => {
    if (phase === 'done') return;
    if (phase === 'warmup') measureStart = performance.now(); // nothing measured
    stoppedBy = why;
    phase = 'done';
    measureEnd = performance.now();
  };
  const startMeasuring = () => {
    if (phase !== 'warmup') return;
    phase = 'measure';
    measureStart = performance.now();
    cpuStart = process.cpuUsage();
  };
  const timers: NodeJS.Timeout[] = [];
  if (warmupMs > 0) timers.push(setTimeout(startMeasuring, warmupMs));
  timers.push(setTimeout(() => stop('duration'), warmupMs + durationMs));
  const onAbort = () => stop('signal');
  if (options.signal?.aborted) stop('signal');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  // Raw transport: one connection per client; timeouts are enforced by a periodic sweep.
  const conns =
    transport === 'raw' ? Array.from({ length: concurrency }, () => new RawConnection(target.host, target.port)) : [];
  if (conns.length) {
    const sweep = setInterval(
      () => {
        const now = performance.now();
        for (const c of conns) if (c.inflightSince && now - c.inflightSince > timeoutMs) c.abort('ETIMEDOUT');
      },
      Math.min(1000, Math.max(10, timeoutMs / 5)),
    );
    timers.push(sweep);
  }
  const sendRaw = async (ci: number, p: Prepared): Promise<Outcome> => {
    const o = await conns[ci].send(p.wire!, { headOnly: p.method === 'HEAD', collectBody: !!checkResponse });
    if (!o.ok) return { status: o.status, ok: false, errorCode: o.errorCode, bytes: o.bytes };
    if (!expectStatus(o.status))
      return { status: o.status, ok: false, errorCode: `status ${o.status}`, bytes: o.bytes };
    if (checkResponse) {
      let passed: boolean;
      try {
        passed = checkResponse(o.status, o.body!, o.headers!);
      } catch {
        passed = false;
      }
      if (!passed) return { status: o.status, ok: false, errorCode: 'check', bytes: o.bytes };
    }
    return { status: o.status, ok: true, bytes: o.bytes };
  };

  const send = (p: Prepared): Promise<Outcome> =>
    new Promise((resolve) => {
      let settled = false;
      const finish = (o: Outcome) => {
        if (!settled) {
          settled = true;
          resolve(o);
        }
      };
      const req = http.request(
        { agent, host: target.host, port: target.port, method: p.method, path: p.path, headers: p.headers },
        (res) => {
          const status = res.statusCode ?? 0;
          let bytes = 0;
          const chunks: Buffer[] | null = checkResponse ? [] : null;
          res.on('data', (c: Buffer) => {
            bytes += c.length;
            chunks?.push(c);
          });
          res.on('end', () => {
            let ok = expectStatus(status);
            let errorCode: string | undefined = ok ? undefined : `status ${status}`;
            if (ok && checkResponse) {
              let passed: boolean;
              try {
                passed = checkResponse(status, Buffer.concat(chunks!), res.headers);
              } catch {
                passed = false;
              }
              if (!passed) {
                ok = false;
                errorCode = 'check';
              }
            }
            finish({ status, ok, errorCode, bytes });
          });
          res.on('error', (e: NodeJS.ErrnoException) =>
            finish({ status: 0, ok: false, errorCode: e.code ?? 'EBODY', bytes }),
          );
        },
      );
      req.setTimeout(timeoutMs, () => {
        const e = new Error(`request timed out after ${timeoutMs} ms`) as NodeJS.ErrnoException;
        e.code = 'ETIMEDOUT';
        req.destroy(e);
      });
      req.on('error', (e: NodeJS.ErrnoException) =>
        finish({ status: 0, ok: false, errorCode: e.code ?? e.message, bytes: 0 }),
      );
      req.end(p.body ?? undefined);
    });

  // (a function, because TypeScript would otherwise keep `phase` narrowed across the awaits)
  const isDone = () => phase === 'done';
  const client = async (ci: number) => {
    let seq = 0;
    while (!isDone()) {
      let prepared: Prepared;
      try {
        const n = next(ci, seq++);
        prepared = isThenable(n) ? await n : n;
      } catch (e) {
        stop('signal');
        throw e;
      }
      if (isDone()) break;
      const start = performance.now();
      const o = await (transport === 'raw' ? sendRaw(ci, prepared) : send(prepared));
      const end = performance.now();
      const measured = end >= measureStart && end <= measureEnd;
      if (!o.ok) {
        totalErrors++;
        if (measured) {
          errors++;
          errorCounts[o.errorCode ?? 'unknown'] = (errorCounts[o.errorCode ?? 'unknown'] ?? 0) + 1;
        }
      }
      if (measured) {
        if (o.status) statusCounts[o.status] = (statusCounts[o.status] ?? 0) + 1;
        bytesReceived += o.bytes;
        if (o.ok) {
          requests++;
          hist.recordMs(end - start);
        }
        if (requests + errors >= maxRequests) stop('maxRequests');
      } else if (phase === 'warmup') warmupRequests++;
      if (totalErrors >= maxErrors) stop('maxErrors');
      if (!o.ok && o.status === 0 && !isDone()) await sleep(errorBackoffMs);
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, (_, i) => client(i)));
  } finally {
    for (const t of timers) clearTimeout(t);
    options.signal?.removeEventListener('abort', onAbort);
    stop('duration'); // no-op unless a client threw
    agent.destroy();
    for (const c of conns) c.close();
  }

  const cpu = process.cpuUsage(cpuStart);
  const elapsedMs = Math.max(0, measureEnd - measureStart);
  return {
    requests,
    errors,
    statusCounts,
    errorCounts,
    rps: elapsedMs > 0 ? (requests * 1000) / elapsedMs : 0,
    p50Ms: hist.percentileMs(50),
    p90Ms: hist.percentileMs(90),
    p99Ms: hist.percentileMs(99),
    p999Ms: hist.percentileMs(99.9),
    minMs: hist.minMs,
    meanMs: hist.meanMs,
    maxMs: hist.maxMs,
    elapsedMs,
    warmupRequests,
    concurrency,
    bytesReceived,
    stoppedBy,
    connectionsOpened: conns.length ? conns.reduce((n, c) => n + c.connects, 0) : undefined,
    clientCpuPercent: elapsedMs > 0 ? ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100 : 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Child-process mode

export interface ChildLoadOptions extends Omit<
  LoadOptions,
  'makeRequest' | 'expectStatus' | 'checkResponse' | 'signal'
> {
  /**
   * Absolute path or file: URL of an ES module the child imports; it may export `makeRequest`,
   * `expectStatus` and `checkResponse` (functions cannot cross the process boundary).
   */
  makeRequestModule?: string;
  /** Pin the child to these CPUs (taskset syntax, e.g. "1"); ignored where taskset is missing. */
  cpus?: string;
  /** Extra node flags for the child. */
  nodeArgs?: string[];
  /** Called with the child process once spawned (e.g. to sample its CPU use). */
  onChild?: (child: ChildProcess) => void;
}

const thisFile = fileURLToPath(import.meta.url);

/**
 * Runs `runLoad` in a separate node process (same options, plus `makeRequestModule`) and returns
 * its result. The child is killed if it has not answered by warmup + duration + timeout + 30 s.
 */
export async function runLoadInChild(options: ChildLoadOptions): Promise<LoadResult> {
  const { cpus, nodeArgs = [], onChild, ...rest } = options;
  let child: ChildProcess;
  if (cpus) {
    const { hasTaskset } = await import('./spawn.js');
    if (await hasTaskset()) {
      child = spawn('taskset', ['-c', cpus, process.execPath, ...nodeArgs, thisFile, '--ipc-child'], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
    } else
      child = fork(thisFile, ['--ipc-child'], { execArgv: nodeArgs, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  } else
    child = fork(thisFile, ['--ipc-child'], { execArgv: nodeArgs, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

  onChild?.(child);
  const limit = (rest.warmupMs ?? 0) + rest.durationMs + (rest.timeoutMs ?? 10_000) + 30_000;
  return new Promise<LoadResult>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill('SIGKILL');
      reject(new Error(`load child did not finish within ${limit} ms`));
    }, limit);
    child.on('message', (m: { result?: LoadResult; error?: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (m.result) resolve(m.result);
      else reject(new Error(`load child failed: ${m.error}`));
      child.disconnect?.();
    });
    child.on('error', (e) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`load child exited (code ${code}, signal ${signal}) without a result`));
    });
    child.send({ options: rest });
  });
}

async function childMain(): Promise<void> {
  const msg = await new Promise<{ options: ChildLoadOptions }>((resolve) =>
    process.once('message', resolve as (m: unknown) => void),
  );
  try {
    const { makeRequestModule, cpus: _cpus, nodeArgs: _nodeArgs, ...opts } = msg.options;
    const load: LoadOptions = { ...opts };
    if (makeRequestModule) {
      const href = makeRequestModule.startsWith('file:') ? makeRequestModule : pathToFileURL(makeRequestModule).href;
      const mod = (await import(href)) as Pick<LoadOptions, 'makeRequest' | 'expectStatus' | 'checkResponse'>;
      if (mod.makeRequest) load.makeRequest = mod.makeRequest;
      if (mod.expectStatus) load.expectStatus = mod.expectStatus;
      if (mod.checkResponse) load.checkResponse = mod.checkResponse;
    }
    const result = await runLoad(load);
    process.send!({ result }, () => process.exit(0));
  } catch (e) {
    process.send!({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () => process.exit(1));
  }
}

// ---------------------------------------------------------------------------------------------
// Command line

const USAGE = `usage: node dist/bench/lib/load.js --url http://127.0.0.1:PORT/path [options]
  -c, --concurrency N   concurrent keep-alive clients (default 64)
  -d, --duration MS     measured phase (default 5000)
  -w, --warmup MS       warm-up phase (default 1000)
  -n, --max-requests N  stop after N measured requests
  -m, --method M        HTTP method (default GET)
  -b, --body STRING     request body (sent as is)
  -H, --header 'k: v'   request header (repeatable)
  --timeout MS          per-request timeout (default 10000)
  --transport raw|http  client implementation (default raw)
  --json                print the result as JSON instead of a table`;

async function cliMain(argv: string[]): Promise<void> {
  const opts: LoadOptions = { concurrency: 64, durationMs: 5000, warmupMs: 1000 };
  const spec: RequestSpec = { headers: {} };
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    switch (a) {
      case '--url':
        opts.url = val();
        break;
      case '-c':
      case '--concurrency':
        opts.concurrency = Number(val());
        break;
      case '-d':
      case '--duration':
        opts.durationMs = Number(val());
        break;
      case '-w':
      case '--warmup':
        opts.warmupMs = Number(val());
        break;
      case '-n':
      case '--max-requests':
        opts.maxRequests = Number(val());
        break;
      case '-m':
      case '--method':
        spec.method = val();
        break;
      case '-b':
      case '--body':
        spec.body = val();
        break;
      case '-H':
      case '--header': {
        const h = val();
        const k = h.indexOf(':');
        if (k <= 0) throw new Error(`bad header ${h}`);
        spec.headers![h.slice(0, k).trim()] = h.slice(k + 1).trim();
        break;
      }
      case '--timeout':
        opts.timeoutMs = Number(val());
        break;
      case '--transport':
        opts.transport = val() as 'raw' | 'http';
        break;
      case '--json':
        json = true;
        break;
      case '-h':
      case '--help':
        console.log(USAGE);
        return;
      default:
        throw new Error(`unknown argument ${a}\n${USAGE}`);
    }
  }
  if (!opts.url) throw new Error(USAGE);
  opts.requests = [spec];
  const r = await runLoad(opts);
  if (json) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  const { printTable } = await import('./table.js');
  const name = `${spec.method ?? 'GET'} ${opts.url}`;
  await printTable(
    [
      { name: `${name} throughput`, figure: r.rps, unit: 'req/s' },
      { name: `${name} p50`, figure: r.p50Ms, unit: 'ms' },
      { name: `${name} p90`, figure: r.p90Ms, unit: 'ms' },
      { name: `${name} p99`, figure: r.p99Ms, unit: 'ms' },
      { name: `${name} max`, figure: r.maxMs, unit: 'ms' },
      { name: `${name} errors`, figure: r.errors, unit: 'count', target: 0, better: 'lower' },
      { name: 'load generator CPU', figure: r.clientCpuPercent, unit: '% core' },
    ],
    {
      title: `${r.requests} requests in ${(r.elapsedMs / 1000).toFixed(2)} s, ${r.concurrency} clients, stopped by ${r.stoppedBy}`,
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--ipc-child') && process.send) {
    void childMain();
  } else {
    cliMain(process.argv.slice(2)).catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
  }
}
