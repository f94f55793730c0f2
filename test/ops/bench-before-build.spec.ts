// `npm run bench` measures the gateway at an earlier commit beside this one (--before): the build
// of that commit must be the commit's own code, on this checkout's dependencies only when they
// are the ones it pins, and say why when it cannot be measured.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync as readdir,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareBeforeBuild } from '../../bench/lib/before-build.js';

const root = process.cwd();
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.test', ...args], {
    cwd,
    encoding: 'utf8',
  });

describe('bench --before: the gateway of an earlier commit', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'gw-before-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("builds the commit's own tree (not the work tree) on this checkout's node_modules", async () => {
    const head = git(root, 'rev-parse', 'HEAD').trim();
    const built = await prepareBeforeBuild(root, 'HEAD', dir);
    expect(built).toEqual({ root: path.join(dir, `before-${head.slice(0, 7)}`), commit: head });
    if (!('root' in built)) return;
    expect(existsSync(path.join(built.root, 'dist/src/main.js'))).toBe(true);
    expect(existsSync(path.join(built.root, 'dist/scripts/log-verify.js'))).toBe(true);
    expect(lstatSync(path.join(built.root, 'node_modules')).isSymbolicLink()).toBe(true);
    expect(realpathSync(path.join(built.root, 'node_modules'))).toBe(realpathSync(path.join(root, 'node_modules')));
    // Exactly the committed file, whatever the work tree holds now.
    expect(readFileSync(path.join(built.root, 'package.json'), 'utf8')).toBe(git(root, 'show', 'HEAD:package.json'));
    expect(existsSync(path.join(built.root, '.git'))).toBe(false);
  }, 120_000);

  it('names a commit that is not in the history and builds nothing', async () => {
    const r = await prepareBeforeBuild(root, 'no-such-commit-anywhere', dir);
    expect(r).toEqual({ skipped: "commit no-such-commit-anywhere is not in this checkout's git history" });
    expect(readdir(dir)).toEqual([]);
  });

  it('refuses a commit whose pinned dependencies differ from those installed here, naming them', async () => {
    const repo = path.join(dir, 'repo');
    mkdirSync(path.join(repo, 'node_modules/jose'), { recursive: true });
    writeFileSync(path.join(repo, 'node_modules/jose/package.json'), JSON.stringify({ version: '6.2.17' }));
    writeFileSync(path.join(repo, '.gitignore'), 'node_modules\n');
    writeFileSync(
      path.join(repo, 'package.json'),
      JSON.stringify({ dependencies: { jose: '5.0.0' }, devDependencies: { 'left-pad': '1.3.0' } }),
    );
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'older dependencies');
    const out = path.join(dir, 'out');
    mkdirSync(out);
    const r = await prepareBeforeBuild(repo, 'HEAD', out);
    expect(r).toHaveProperty('skipped');
    if (!('skipped' in r)) return;
    expect(r.skipped).toMatch(
      /pins dependencies this checkout does not have: jose 5\.0\.0 \(here 6\.2\.17\), left-pad 1\.3\.0 \(here absent\)/,
    );
    expect(readdir(out).every((d) => !existsSync(path.join(out, d, 'node_modules')))).toBe(true);
  });
});
