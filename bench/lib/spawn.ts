// Start a compiled node script as a child process, wait until it serves, stop it.
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { assertLoopbackUrl } from './loopback.js';

export interface StartOptions {
  /** Path of the compiled script (e.g. dist/bench/http-adapters/server.js). */
  script: string;
  args?: string[];
  /** Extra node flags, e.g. ['--max-old-space-size=512']. */
  nodeArgs?: string[];
  /** Added to the parent's environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Loopback URL polled with GET until it answers 200. */
  readyUrl: string;
  /** Give up (and kill the child) after this long. Default 20 s. */
  readyTimeoutMs?: number;
  /** Delay between polls. Default 50 ms. */
  pollIntervalMs?: number;
  /** Echo the child's stdout/stderr, prefixed with `[name]`. Default false (kept for error messages). */
  echo?: boolean;
  /** Label for messages. Default: the script's base name. */
  name?: string;
  /** Pin the child to these CPUs (taskset syntax, e.g. "0" or "0-1"); needs taskset (util-linux). */
  cpus?: string;
}

export interface StartedProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** How long the child took to answer 200 on readyUrl. */
  startupMs: number;
  /** The last ~64 KB of the child's stdout+stderr. */
  output(): string;
  /** True once the child has exited. */
  readonly exited: boolean;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s); resolves when the child has exited. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<StartedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort: never leave servers behind when the parent exits (synchronous, so SIGKILL).
  process.on('exit', () => {
    for (const p of live) if (!p.exited) p.child.kill('SIGKILL');
  });
}

/** Stops every child started here that is still running. */
export async function stopAll(graceMs?: number): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(graceMs)));
}

let tasksetAvailable: Promise<boolean> | undefined;
export function hasTaskset(): Promise<boolean> {
  tasksetAvailable ??= new Promise((resolve) =>
    execFile('taskset', ['-p', String(process.pid)], (err) => resolve(!err)),
  );
  return tasksetAvailable;
}

/** Pins the current process (all its threads) to `cpus` (taskset syntax). Returns false if not possible. */
export async function pinSelf(cpus: string): Promise<boolean> {
  if (!(await hasTaskset())) return false;
  return new Promise((resolve) =>
    execFile('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], (err) => resolve(!err)),
  );
}

/** The checkout whose built gateway a benchmark starts: its own, or the one BENCH_GATEWAY_ROOT
 * names (`npm run bench -- --before=<commit>` sets it to a build of that commit), so that the
 * same measuring code gives the figures before and after a change. */
export function gatewayRoot(ownRoot: string): string {
  const other = process.env.BENCH_GATEWAY_ROOT;
  return other ? path.resolve(other) : ownRoot;
}

/** Which gateway a benchmark measured, for its notes: another checkout's, or this one's with or without prepared statements. */
export function gatewayVariant(): string {
  return process.env.BENCH_GATEWAY_ROOT
    ? 'gateway from BENCH_GATEWAY_ROOT'
    : `prepared statements ${process.env.BENCH_DB_PREPARED_STATEMENTS ?? 'true'}`;
}

/**
 * A port for a process about to be started to listen on: random in 10000-32767, below the
 * ephemeral range Linux gives outgoing connections (32768-60999) and listen(0) alike, so no client
 * socket can take it between this check and the child's bind (one picked by listen(0) did collide
 * when suites ran side by side, and the child died with EADDRINUSE). Checked free on 127.0.0.1.
 */
export async function getFreePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 22_768);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port on 127.0.0.1 in 10000-32767');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** One GET without keep-alive; resolves with the status (0 on connection error). */
export function probe(url: string, timeoutMs = 1000): Promise<number> {
  const t = assertLoopbackUrl(url);
  return new Promise((resolve) => {
    const req = http.get(
      { host: t.host, port: t.port, path: t.url.pathname + t.url.search, agent: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Spawns `node [nodeArgs] script [args]` and resolves once `readyUrl` answers 200. Rejects (after
 * killing the child) if the child exits first or the timeout passes; the error includes its output.
 */
export async function startNodeScript(options: StartOptions): Promise<StartedProcess> {
  assertLoopbackUrl(options.readyUrl);
  installExitHook();
  const name = options.name ?? options.script.replace(/^.*[\\/]/, '').replace(/\.js$/, '');
  const nodeCmd = [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])];
  let cmd = process.execPath;
  let argv = nodeCmd;
  if (options.cpus) {
    if (!(await hasTaskset())) throw new Error(`cpus=${options.cpus} requested but taskset is not available`);
    cmd = 'taskset';
    argv = ['-c', options.cpus, process.execPath, ...nodeCmd];
  }
  const child = spawn(cmd, argv, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const LIMIT = 64 * 1024;
  let buffered = '';
  const onOutput = (stream: 'out' | 'err') => (chunk: Buffer) => {
    const s = chunk.toString();
    buffered = (buffered + s).slice(-LIMIT);
    if (options.echo) {
      const text = s.replace(/\n$/, '').replace(/^/gm, `[${name}] `) + '\n';
      (stream === 'out' ? process.stdout : process.stderr).write(text);
    }
  };
  child.stdout.on('data', onOutput('out'));
  child.stderr.on('data', onOutput('err'));

  let exited = false;
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
  const exitPromise = new Promise<typeof exitInfo>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.on('error', (err) => {
      // spawn failure: no 'exit' follows
      exited = true;
      buffered += `\n[spawn error] ${err.message}`;
      resolve(exitInfo);
    });
  });

  let stopping: Promise<typeof exitInfo> | undefined;
  const handle: StartedProcess = {
    name,
    child,
    pid: child.pid ?? -1,
    startupMs: 0,
    output: () => buffered,
    get exited() {
      return exited;
    },
    stop(graceMs = 5000) {
      if (exited) {
        live.delete(handle);
        return Promise.resolve(exitInfo);
      }
      stopping ??= (async () => {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (!exited) child.kill('SIGKILL');
        }, graceMs);
        const info = await exitPromise;
        clearTimeout(timer);
        live.delete(handle);
        return info;
      })();
      return stopping;
    },
  };
  live.add(handle);

  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  const interval = options.pollIntervalMs ?? 50;
  const t0 = performance.now();
  for (;;) {
    if (exited) {
      live.delete(handle);
      throw new Error(
        `${name} exited before becoming ready (code ${exitInfo.code}, signal ${exitInfo.signal}); output:\n${buffered}`,
      );
    }
    const status = await probe(options.readyUrl, Math.min(1000, timeoutMs));
    if (status === 200) break;
    if (performance.now() - t0 > timeoutMs) {
      await handle.stop(1000);
      throw new Error(
        `${name} did not answer 200 on ${options.readyUrl} within ${timeoutMs} ms (last status ${status}); output:\n${buffered}`,
      );
    }
    await sleep(interval);
  }
  handle.startupMs = performance.now() - t0;
  return handle;
}

/**
 * CPU time (user + system, ms) consumed so far by process `pid`, all threads, from /proc (Linux);
 * NaN where unavailable. Sample before and after a phase to get a child's CPU use.
 */
export async function processCpuMs(pid: number): Promise<number> {
  try {
    const { readFile } = await import('node:fs/promises');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after "pid (comm) ", field 3 (state) is index 0, so utime (14) is 11 and stime (15) is 12
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}
