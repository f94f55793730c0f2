// Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went: the functions with the
// most self time, and the same time grouped by package or source area.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface HotSpot {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  functions: HotSpot[];
  areas: HotSpot[];
}

/** Where a frame's code lives: an npm package, a gateway source area, node internals, or V8 itself. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:'))
    return url
      .replace(/^node:(internal\/)?/, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/');
  const src = /dist\/(src\/(?:modules|shared)\/[^/]+|src\/[^/]+|bench|scripts)/.exec(url);
  return src ? src[1] : url.replace(/^file:\/\//, '');
}

function top(map: Map<string, number>, total: number, n: number): HotSpot[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => ({ name, ms, percent: total > 0 ? (ms / total) * 100 : 0 }));
}

export function summariseProfile(profile: CpuProfile, file: string, n = 25): ProfileSummary {
  // Self time per node: samples with their time deltas when present, else hit counts.
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    for (let i = 0; i < profile.samples.length; i++) {
      const dt = profile.timeDeltas[i + 1] ?? 0; // a sample's time is the gap to the next one
      selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
    }
  } else {
    const per =
      (profile.endTime - profile.startTime) /
      Math.max(
        1,
        profile.nodes.reduce((s, x) => s + (x.hitCount ?? 0), 0),
      );
    for (const x of profile.nodes) selfUs.set(x.id, (x.hitCount ?? 0) * per);
  }
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  for (const x of profile.nodes) {
    const us = selfUs.get(x.id) ?? 0;
    if (!us) continue;
    const { functionName, url, lineNumber } = x.callFrame;
    if (functionName === '(idle)') continue; // waiting is not cost
    const where = url
      ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace(/^file:\/\//, '')}:${lineNumber + 1}`
      : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us / 1000);
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us / 1000);
    total += us / 1000;
  }
  return { file, totalMs: total, functions: top(fns, total, n), areas: top(areas, total, n) };
}

/** Summarises the newest .cpuprofile in `dir`, or returns null if there is none. */
export async function summariseNewestProfile(dir: string, n = 25): Promise<ProfileSummary | null> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  } catch {
    return null;
  }
  if (!files.length) return null;
  const file = path.join(dir, files[files.length - 1]);
  return summariseProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, file, n);
}

export function formatHotSpots(title: string, spots: HotSpot[]): string {
  const lines = spots.map(
    (s) => `  ${s.percent.toFixed(1).padStart(5)}%  ${s.ms.toFixed(0).padStart(7)} ms  ${s.name}`,
  );
  return `${title}\n${lines.join('\n')}`;
}
