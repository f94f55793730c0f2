// The gateway as it was at an earlier commit, built beside this checkout, so that `npm run bench`
// measures it with the same benchmark code in the same run (BENCH_GATEWAY_ROOT, BENCH_BEFORE_ROOT).
import { spawn } from 'node:child_process';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';

/** The last commit before the work of issue 19 (half the CPU per request) began. */
export const BEFORE_ISSUE_19 = 'f008a17';

export type BeforeBuild = { root: string; commit: string } | { skipped: string };

function run(
  command: string,
  args: string[],
  cwd: string,
  stdout?: NodeJS.WritableStream,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    if (stdout) child.stdout.pipe(stdout);
    else child.stdout.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-4000)));
    child.stderr.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-4000)));
    child.on('error', (e) => resolve({ code: -1, out: e.message }));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/**
 * Extracts `ref` from this clone's history into `dir` (git archive: no work tree or .git change)
 * and builds it with that commit's own build script, on this checkout's node_modules. That is
 * done only when every dependency the commit pins is installed here at exactly its version;
 * otherwise, or when git or the commit is missing, the result says why and nothing is measured.
 */
export async function prepareBeforeBuild(repoRoot: string, ref: string, dir: string): Promise<BeforeBuild> {
  const rev = await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], repoRoot);
  const commit = rev.out.trim();
  if (rev.code !== 0 || !/^[0-9a-f]{40}$/.test(commit))
    return { skipped: `commit ${ref} is not in this checkout's git history` };
  const root = path.join(dir, `before-${commit.slice(0, 7)}`);
  await mkdir(root, { recursive: true });
  const tar = spawn('tar', ['-x', '-C', root], { stdio: ['pipe', 'ignore', 'pipe'] });
  const tarDone = new Promise<number | null>((resolve) => {
    tar.on('error', () => resolve(-1));
    tar.on('close', resolve);
  });
  const archive = await run('git', ['archive', '--format=tar', commit], repoRoot, tar.stdin);
  if (archive.code !== 0 || (await tarDone) !== 0)
    return { skipped: `git archive ${commit.slice(0, 7)} failed: ${archive.out.trim().slice(-200)}` };

  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const differ: string[] = [];
  for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
    const installed = await readFile(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')
      .then((t) => (JSON.parse(t) as { version: string }).version)
      .catch(() => null);
    if (installed !== version) differ.push(`${name} ${version} (here ${installed ?? 'absent'})`);
  }
  if (differ.length)
    return {
      skipped: `${commit.slice(0, 7)} pins dependencies this checkout does not have: ${differ.slice(0, 3).join(', ')}`,
    };
  await symlink(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const build = await run(process.execPath, ['scripts/build.mjs'], root);
  if (build.code !== 0) return { skipped: `building ${commit.slice(0, 7)} failed: ${build.out.trim().slice(-200)}` };
  return { root, commit };
}
