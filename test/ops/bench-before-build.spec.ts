// `npm run bench` measures the gateway at an earlier commit beside this one (--before): the build
// of that commit must be the commit's own code, on this checkout's dependencies only when its
// lockfile pins the same ones, and every way it cannot be measured must be told, never thrown.
import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareBeforeBuild } from '../../bench/lib/before-build.js';

const root = process.cwd();
const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    'git',
    ['-c', 'user.name=bench', '-c', 'user.email=bench@example.test', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8' },
  );

/** A lockfile pinning these packages (name -> version). */
const lockfile = (pins: Record<string, string>) =>
  JSON.stringify({
    lockfileVersion: 3,
    packages: {
      '': { name: 'p' },
      ...Object.fromEntries(
        Object.entries(pins).map(([n, v]) => [`node_modules/${n}`, { version: v, integrity: `sha512-${n}-${v}` }]),
      ),
    },
  });

/** A build script that copies data.txt into dist/, or fails saying so. */
const COPYING_BUILD = `import { mkdirSync, copyFileSync } from 'node:fs';
mkdirSync('dist', { recursive: true });
copyFileSync('data.txt', 'dist/built.txt');
`;

describe('bench --before: the gateway of an earlier commit', () => {
  let dir: string;
  let out: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gw-before-'));
    out = path.join(dir, 'out');
    mkdirSync(out);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A git repository in the scratch folder with one commit per entry of `commits` (path -> text). */
  function repo(commits: Record<string, string>[]): string {
    const r = path.join(dir, 'repo');
    mkdirSync(path.join(r, 'node_modules'), { recursive: true });
    git(r, 'init', '-q');
    writeFileSync(path.join(r, '.gitignore'), 'node_modules\n');
    commits.forEach((files, i) => {
      for (const [f, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(r, f)), { recursive: true });
        writeFileSync(path.join(r, f), text);
      }
      git(r, 'add', '.');
      git(r, 'commit', '-q', '-m', `commit ${i}`);
    });
    return r;
  }

  it('builds this repository at HEAD into a gateway and log:verify on its node_modules', async () => {
    const head = git(root, 'rev-parse', 'HEAD').trim();
    const built = await prepareBeforeBuild(root, 'HEAD', out);
    expect(built).toEqual({ root: path.join(out, `before-${head.slice(0, 7)}`), commit: head });
    if (!('root' in built)) return;
    expect(existsSync(path.join(built.root, 'dist/src/main.js'))).toBe(true);
    expect(existsSync(path.join(built.root, 'dist/scripts/log-verify.js'))).toBe(true);
    expect(lstatSync(path.join(built.root, 'node_modules')).isSymbolicLink()).toBe(true);
    expect(realpathSync(path.join(built.root, 'node_modules'))).toBe(realpathSync(path.join(root, 'node_modules')));
    expect(existsSync(path.join(built.root, '.git'))).toBe(false);
  }, 120_000);

  it("builds the commit's files, not the work tree's, with the commit's own build script", async () => {
    const r = repo([
      { 'package-lock.json': lockfile({ a: '1.0.0' }), 'scripts/build.mjs': COPYING_BUILD, 'data.txt': 'first' },
      { 'data.txt': 'second' },
    ]);
    writeFileSync(path.join(r, 'data.txt'), 'uncommitted');
    const built = await prepareBeforeBuild(r, 'HEAD~1', out);
    expect(built).toHaveProperty('root');
    if (!('root' in built)) return;
    expect(readFileSync(path.join(built.root, 'dist/built.txt'), 'utf8')).toBe('first');
    expect(readFileSync(path.join(r, 'data.txt'), 'utf8')).toBe('uncommitted');
    expect(git(r, 'status', '--porcelain').trim()).toBe('M data.txt');
  });

  it('refuses a commit whose lockfile pins other packages than this checkout, naming them', async () => {
    const r = repo([
      { 'package-lock.json': lockfile({ a: '1.0.0', b: '1.0.0', c: '3.0.0' }), 'scripts/build.mjs': COPYING_BUILD },
      { 'package-lock.json': lockfile({ a: '2.0.0', c: '3.0.0', d: '1.0.0' }) },
    ]);
    const r1 = await prepareBeforeBuild(r, 'HEAD~1', out);
    expect(r1).toEqual({
      skipped: expect.stringMatching(
        /^[0-9a-f]{7} pins 2 package\(s\) at other versions than this checkout: a 1\.0\.0 \(here 2\.0\.0\), b 1\.0\.0 \(here absent\)$/,
      ) as unknown,
    });
    expect(readdirSync(out).flatMap((d) => readdirSync(path.join(out, d)))).not.toContain('node_modules');
  });

  it('tells a build that fails, with what the build said', async () => {
    const r = repo([
      {
        'package-lock.json': lockfile({}),
        'scripts/build.mjs': "console.error('the build broke here'); process.exit(3);\n",
      },
    ]);
    expect(await prepareBeforeBuild(r, 'HEAD', out)).toEqual({
      skipped: expect.stringMatching(/^building [0-9a-f]{7} failed: .*the build broke here/) as unknown,
    });
  });

  it('tells a commit without a lockfile to compare', async () => {
    const r = repo([{ 'scripts/build.mjs': COPYING_BUILD }]);
    expect(await prepareBeforeBuild(r, 'HEAD', out)).toEqual({
      skipped: expect.stringMatching(/^[0-9a-f]{7} has no package-lock\.json/) as unknown,
    });
  });

  it('names a commit that is not in the history, and a folder that is not a git checkout, building nothing', async () => {
    expect(await prepareBeforeBuild(root, 'no-such-commit-anywhere', out)).toEqual({
      skipped: "commit no-such-commit-anywhere is not in this checkout's git history",
    });
    const bare = path.join(dir, 'not-git');
    mkdirSync(bare);
    expect(await prepareBeforeBuild(bare, 'HEAD', out)).toEqual({
      skipped: expect.stringMatching(/^git cannot name HEAD here: .*not a git repository/) as unknown,
    });
    expect(readdirSync(out)).toEqual([]);
  });

  it('npm run bench reports -before rows it cannot measure as information, and refuses a bad --before', async () => {
    const bench = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, ['dist/bench/run.js', '--silent', ...args], { cwd: root }, (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const json = path.join(dir, 'rows.json');
    const missing = await bench([
      '--only=summary-read-before,exchange-before',
      '--before=no-such-commit-anywhere',
      `--json=${json}`,
    ]);
    expect(missing.code).toBe(0);
    const rows = (JSON.parse(readFileSync(json, 'utf8')) as { rows: { name: string; verdict: string; note: string }[] })
      .rows;
    expect(rows).toHaveLength(2);
    expect(rows).toMatchObject(
      ['summary-read-before', 'exchange-before'].map((b) => ({
        name: `${b}: not measured`,
        verdict: 'info',
        note: "commit no-such-commit-anywhere is not in this checkout's git history",
      })),
    );
    const none = await bench(['--only=exchange-before', '--before=none', `--json=${json}`]);
    expect(none.code).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({
      rows: [{ name: 'exchange-before: not measured', note: '--before=none' }],
    });
    const bad = await bench(['--only=exchange-before', '--before=--upload-pack=x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--before must name a commit/);
  }, 60_000);
});
