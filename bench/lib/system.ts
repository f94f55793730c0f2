// Machine-level CPU accounting (Linux /proc), to tell whether other processes competed with a
// benchmark for CPU: on a shared 2-core machine one busy neighbour halves the figures.
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import { processCpuMs } from './spawn.js';

const TICK_MS = 10; // USER_HZ = 100

/** CPU time (ms, all cores) the whole machine spent busy so far (user+nice+system+irq+softirq+steal); NaN off Linux. */
export async function systemBusyMs(): Promise<number> {
  try {
    const stat = await readFile('/proc/stat', 'utf8');
    const f = stat.slice(0, stat.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    return (user + nice + system + irq + softirq + (steal ?? 0)) * TICK_MS;
  } catch {
    return NaN;
  }
}

/** CPU time (ms) used by this process so far. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface CpuSnapshot {
  at: number;
  system: number;
  self: number;
  pids: Map<number, number>;
}

/** Snapshot of machine, own and given processes' CPU time, for `foreignCpuPercent`. */
export async function cpuSnapshot(pids: number[] = []): Promise<CpuSnapshot> {
  const entries = await Promise.all(pids.map(async (p) => [p, await processCpuMs(p)] as const));
  return { at: performance.now(), system: await systemBusyMs(), self: selfCpuMs(), pids: new Map(entries) };
}

export interface CpuUse {
  wallMs: number;
  /** Per pid, % of one core. */
  pids: Record<number, number>;
  selfPercent: number;
  /** CPU used by everything else on the machine (other users' jobs, kernel), % of one core. */
  foreignPercent: number;
  cores: number;
}

export function cpuUseBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const wall = b.at - a.at;
  const pct = (ms: number) => (wall > 0 ? (ms / wall) * 100 : NaN);
  const pids: Record<number, number> = {};
  let known = b.self - a.self;
  for (const [pid, before] of a.pids) {
    const d = (b.pids.get(pid) ?? NaN) - before;
    pids[pid] = pct(d);
    if (Number.isFinite(d)) known += d;
  }
  return {
    wallMs: wall,
    pids,
    selfPercent: pct(b.self - a.self),
    // tick granularity (10 ms per core) makes this noisy for short windows; clamp small negatives
    foreignPercent: Math.max(0, pct(b.system - a.system - known)),
    cores: os.availableParallelism?.() ?? os.cpus().length,
  };
}

/**
 * Waits until other processes use less than `maxForeignPercent` of one core, sampled over
 * `sampleMs` windows, for at most `timeoutMs`. Our own process and `pids` do not count.
 * Resolves with the last sample and whether it was quiet.
 */
export async function waitForQuiet(options: {
  pids?: number[];
  maxForeignPercent?: number;
  sampleMs?: number;
  timeoutMs?: number;
}): Promise<{ quiet: boolean; foreignPercent: number; waitedMs: number }> {
  const max = options.maxForeignPercent ?? 15;
  const sampleMs = options.sampleMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const t0 = performance.now();
  for (;;) {
    const a = await cpuSnapshot(options.pids);
    await new Promise((r) => setTimeout(r, sampleMs));
    const use = cpuUseBetween(a, await cpuSnapshot(options.pids));
    const waitedMs = performance.now() - t0;
    if (!Number.isFinite(use.foreignPercent)) return { quiet: true, foreignPercent: NaN, waitedMs };
    if (use.foreignPercent <= max) return { quiet: true, foreignPercent: use.foreignPercent, waitedMs };
    if (waitedMs >= timeoutMs) return { quiet: false, foreignPercent: use.foreignPercent, waitedMs };
  }
}

/** The postmaster and its backends, whose CPU is the benchmark's own, not a neighbour's. */
export function postgresPids(pgdata: string): number[] {
  try {
    const postmaster = Number(readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
        } catch {
          return false;
        }
      })
      .map(Number);
    return [postmaster, ...children];
  } catch {
    return [];
  }
}
