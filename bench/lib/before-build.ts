// The gateway as it was at an earlier commit, built beside this checkout, so that `npm run bench`
// measures it with the same benchmark code in the same run (BENCH_GATEWAY_ROOT, BENCH_BEFORE_ROOT).
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, symlink } from 'node:fs/promises';
import path from 'node:path';

/** The last commit before the work of issue 19 (half the CPU per request) began. */
export const BEFORE_ISSUE_19 = 'f008a17';

export type BeforeBuild = { root: string; commit: string } | { skipped: string };

interface Lockfile {
  packages?: Record<string, { version?: string; integrity?: string }>;
}

/** Runs a command to its end; never rejects (a command that cannot start is code -1). */
function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (c: Buffer) => (out = (out + c.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => resolve({ code: -1, out: e.message }));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const short = (commit: string) => commit.slice(0, 7);
const tail = (out: string) => out.trim().split('\n').slice(-2).join(' ').slice(-200);

/**
 * Extracts `ref` from this clone's history into `dir` (git archive: the work tree and .git stay
 * as they are) and builds it with that commit's own scripts/build.mjs, on this checkout's
 * node_modules. That is done only when the commit's package-lock.json pins every package it
 * lists at the version and integrity this checkout's lockfile does (it may pin fewer), so that
 * a difference measured is the code's, not a library's. Otherwise, or when git, the commit, the
 * extraction or the build fails, the result says why; it never rejects.
 */
export async function prepareBeforeBuild(repoRoot: string, ref: string, dir: string): Promise<BeforeBuild> {
  try {
    return await prepare(repoRoot, ref, dir);
  } catch (e) {
    return { skipped: `the build of ${ref} could not be prepared: ${(e as Error).message}` };
  }
}

async function prepare(repoRoot: string, ref: string, dir: string): Promise<BeforeBuild> {
  const rev = await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], repoRoot);
  const commit = rev.out.trim();
  if (rev.code === 0 && !/^[0-9a-f]{40}$/.test(commit))
    return { skipped: `git rev-parse ${ref} gave no commit: ${tail(rev.out)}` };
  if (rev.code !== 0)
    return {
      skipped:
        rev.code === 1 && !rev.out.trim()
          ? `commit ${ref} is not in this checkout's git history`
          : `git cannot name ${ref} here: ${tail(rev.out) || `exit ${rev.code}`}`,
    };

  const root = path.join(dir, `before-${short(commit)}`);
  const archive = path.join(dir, `before-${short(commit)}.tar`);
  await mkdir(root, { recursive: true });
  const archived = await run('git', ['archive', '--format=tar', '-o', archive, commit], repoRoot);
  if (archived.code !== 0) return { skipped: `git archive ${short(commit)} failed: ${tail(archived.out)}` };
  const extracted = await run('tar', ['-xf', archive, '-C', root], dir);
  await rm(archive, { force: true });
  if (extracted.code !== 0) return { skipped: `extracting ${short(commit)} failed: ${tail(extracted.out)}` };

  const lock = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Lockfile;
  const theirs = await lock(path.join(root, 'package-lock.json')).catch(() => null);
  const ours = await lock(path.join(repoRoot, 'package-lock.json')).catch(() => null);
  if (!theirs?.packages) return { skipped: `${short(commit)} has no package-lock.json (v2 or later) to compare` };
  if (!ours?.packages) return { skipped: 'this checkout has no package-lock.json (v2 or later) to compare' };
  const differ: string[] = [];
  for (const [where, pinned] of Object.entries(theirs.packages)) {
    if (where === '') continue; // the project itself
    const here = ours.packages[where];
    if (here?.version !== pinned.version || here.integrity !== pinned.integrity)
      differ.push(`${where.replace(/^.*node_modules\//, '')} ${pinned.version} (here ${here?.version ?? 'absent'})`);
  }
  if (differ.length)
    return {
      skipped: `${short(commit)} pins ${differ.length} package(s) at other versions than this checkout: ${differ.slice(0, 3).join(', ')}`,
    };

  await symlink(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const build = await run(process.execPath, ['scripts/build.mjs'], root);
  if (build.code !== 0) return { skipped: `building ${short(commit)} failed: ${tail(build.out)}` };
  return { root, commit };
}
