import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isBuildCurrent, STAMP } from '../../scripts/build-inputs.mjs';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a built tool from dist/ as `npm run <tool>` would, with a scratch DATA_DIR. */
function run(script: string, args: string[], dataDir: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`dist/${script}`, ...args],
      { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' }, timeout: 240_000 },
      (err, stdout, stderr) => {
        const killed = err && (err as { signal?: string }).signal;
        resolve({
          code: err ? Number((err as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr: killed ? `${stderr}[killed by ${killed}: over 240 s]` : stderr,
        });
      },
    );
  });
}

/** Every tool and every option it takes; its --help must name each one. */
const TOOLS: { script: string; options: string[]; required?: string[] }[] = [
  {
    script: 'scripts/token.js',
    options: [
      'org',
      'sub',
      'path',
      'method',
      'roles',
      'attrs',
      'reason',
      'body',
      'body-file',
      'break-glass',
      'key',
      'aud',
      'ttl',
    ],
    required: ['org', 'sub', 'path'],
  },
  { script: 'scripts/log-verify.js', options: ['json', 'workers', 'block'] },
  { script: 'scripts/migrate.js', options: [] },
  { script: 'scripts/policy-test.js', options: ['dir', 'only'] },
  { script: 'scripts/seed.js', options: ['cases', 'seed', 'from', 'batch', 'database-url'], required: ['cases'] },
  {
    script: 'scripts/sign-agreement.js',
    options: ['id', 'org', 'sub', 'key', 'url', 'print-only'],
    required: ['id', 'org', 'sub'],
  },
  {
    script: 'scripts/sign-exchange-request.js',
    options: ['org', 'provider', 'crn', 'purpose', 'categories', 'agreement', 'justification', 'urgency', 'key'],
    required: ['org', 'provider', 'crn', 'purpose', 'categories', 'agreement', 'justification'],
  },
  {
    script: 'scripts/verify-bundle.js',
    options: ['bundle', 'jwks', 'checkpoint', 'proof', 'note', 'log-key', 'witness', 'quorum'],
    required: ['bundle', 'jwks'],
  },
  { script: 'scripts/openapi.js', options: ['out'] },
  { script: 'bench/run.js', options: ['quick', 'only', 'before', 'json', 'silent'] },
  // The witness takes its settings from WITNESS_* variables; --help lists them.
  { script: 'src/witness/main.js', options: [] },
];

const STACK_FRAME = /^\s+at\s/m;

/** Runs every call, a few processes at a time (each loads its part of the gateway). */
async function runAll(
  calls: { key: string; script: string; args: string[] }[],
  dataDir: string,
): Promise<Map<string, Run>> {
  const results = new Map<string, Run>();
  const queue = [...calls];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) results.set(c.key, await run(c.script, c.args, dataDir));
  };
  await Promise.all([worker(), worker(), worker()]);
  return results;
}

describe('command-line tools', () => {
  let dataDir: string;
  let results: Map<string, Run>;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-cli-'));
    results = await runAll(
      TOOLS.flatMap(({ script, required }) => [
        { key: `${script} help`, script, args: ['--help'] },
        { key: `${script} unknown`, script, args: ['--no-such-option'] },
        ...(required?.length ? [{ key: `${script} missing`, script, args: [] }] : []),
      ]),
      dataDir,
    );
  }, 900_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  describe.each(TOOLS)('$script', ({ script, options, required }) => {
    it('--help names every option it takes and exits 0', () => {
      const r = results.get(`${script} help`)!;
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(/^usage: /);
      for (const o of [...options, 'help'])
        expect({ option: o, listed: new RegExp(`--${o}\\b`).test(r.stdout) }).toEqual({ option: o, listed: true });
      // No more options in the help than the tool takes (the list above is complete).
      const listed = [...r.stdout.matchAll(/^\s+(?:-\w, )?--([a-z-]+)/gm)].map((m) => m[1]).sort();
      expect(listed).toEqual([...options, 'help'].sort());
    });

    it('refuses an unknown option with one line and exit status 2, no stack trace', () => {
      const r = results.get(`${script} unknown`)!;
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/no-such-option/);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    });

    if (required?.length) {
      it('names a missing required option with one line and exit status 2', () => {
        const r = results.get(`${script} missing`)!;
        expect(r.code).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(new RegExp(`--${required[0]} is required`));
        expect(r.stderr).not.toMatch(STACK_FRAME);
      });
    }
  });

  it('refuses a bad value with one line and exit status 2 (token --ttl, seed --cases, log:verify --block)', async () => {
    const cases: [string, string[], RegExp][] = [
      [
        'scripts/token.js',
        ['--org', 'a', '--sub', 'user:x', '--path', '/x', '--ttl', '999'],
        /--ttl must be an integer from 1 to 300/,
      ],
      ['scripts/seed.js', ['--cases', 'many'], /--cases must be an integer/],
      ['scripts/log-verify.js', ['--block', '3'], /--block must be a power of two/],
      ['scripts/token.js', ['--org', 'nobody', '--sub', 'user:x', '--path', '/x'], /cannot read a private JWK/],
      ['scripts/token.js', ['--org', 'nobody', '--sub', 'x', '--path', '/x'], /--sub must be user:<id> or system:<id>/],
      [
        'scripts/token.js',
        ['--org', 'a', '--sub', 'user:x', '--path', '/x', '--reason', '-abc'],
        /write --reason=<value>/,
      ],
      ['scripts/token.js', ['--org', '../etc', '--sub', 'user:x', '--path', '/x'], /--org must be an organisation id/],
      [
        'scripts/sign-agreement.js',
        ['--id', 'not-a-uuid', '--org', 'a', '--sub', 'user:x'],
        /--id must be an agreement id/,
      ],
      [
        'scripts/verify-bundle.js',
        ['--bundle', path.join(os.tmpdir(), 'no-such-bundle.jws'), '--jwks', 'no-such.json'],
        /cannot read --/,
      ],
    ];
    const bad = await runAll(
      cases.map(([script, args], i) => ({ key: String(i), script, args })),
      dataDir,
    );
    for (const [i, [script, , message]] of cases.entries()) {
      const r = bad.get(String(i))!;
      expect({
        script,
        code: r.code,
        lines: r.stderr.trim().split('\n').length,
        stack: STACK_FRAME.test(r.stderr),
      }).toEqual({ script, code: 2, lines: 1, stack: false });
      expect(r.stderr).toMatch(message);
    }
  }, 600_000);
});

describe('verify-bundle given a file that holds something else', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gw-verify-bundle-'));
    // What `curl -s ... > bundle.jws` saves when the gateway refuses the request.
    writeFileSync(
      path.join(dir, 'problem.jws'),
      JSON.stringify({
        type: 'urn:probation-gateway:problem:not_found',
        title: 'Not Found',
        status: 404,
        detail: 'No such exchange request.',
      }),
    );
    writeFileSync(path.join(dir, 'empty.jws'), '');
    writeFileSync(path.join(dir, 'page.jws'), '<!DOCTYPE html><title>Sign in</title>\n');
    writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      'problem.jws',
      /^NOT VERIFIED: the file \S+problem\.jws holds an error response from the gateway: Not Found \(404\): No such exchange request; expected a compact JWS/,
    ],
    ['empty.jws', /^NOT VERIFIED: the file \S+empty\.jws is empty; expected a compact JWS/],
    [
      'page.jws',
      /^NOT VERIFIED: the file \S+page\.jws is not a compact JWS, the body of GET \/exchange-requests\/\{id\}\/response$/,
    ],
  ])('%s: says what the file holds, in one line, exit status 1', async (file, message) => {
    const r = await run(
      'scripts/verify-bundle.js',
      ['--bundle', path.join(dir, file), '--jwks', path.join(dir, 'jwks.json')],
      dir,
    );
    expect({ code: r.code, stdout: r.stdout, lines: r.stderr.trim().split('\n').length }).toEqual({
      code: 1,
      stdout: '',
      lines: 1,
    });
    expect(r.stderr.trim()).toMatch(message);
  });

  it('names a problem document given as the JWKS', async () => {
    const jwks = await run(
      'scripts/verify-bundle.js',
      ['--bundle', path.join(dir, 'page.jws'), '--jwks', path.join(dir, 'problem.jws')],
      dir,
    );
    expect(jwks.stderr.trim()).toMatch(
      /the file \S+problem\.jws holds an error response from the gateway: Not Found \(404\).*; expected a JWKS/,
    );
  });
});

describe('run-built (npm run <tool>)', () => {
  let root: string;
  const at = (file: string, seconds: number) => utimesSync(path.join(root, file), seconds, seconds);
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'gw-build-'));
    for (const dir of ['dist', 'src/shared', 'scripts']) mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, 'src/shared/a.ts'), 'export {};\n');
    writeFileSync(path.join(root, 'scripts/b.ts'), 'export {};\n');
    writeFileSync(path.join(root, 'tsconfig.json'), '{}\n');
    at('src/shared/a.ts', 1_000);
    at('scripts/b.ts', 1_000);
    at('tsconfig.json', 1_000);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds when dist/ was never built to the end', async () => {
    expect(await isBuildCurrent(root)).toBe(false);
  });

  it('does not build when every source is older than the last build', async () => {
    writeFileSync(path.join(root, STAMP), 'built\n');
    at(STAMP, 2_000);
    expect(await isBuildCurrent(root)).toBe(true);
  });

  it('builds when a source, however deep, or a setting changed after the last build', async () => {
    writeFileSync(path.join(root, STAMP), 'built\n');
    at(STAMP, 2_000);
    at('src/shared/a.ts', 3_000);
    expect(await isBuildCurrent(root)).toBe(false);
    at('src/shared/a.ts', 1_000);
    at('tsconfig.json', 3_000);
    expect(await isBuildCurrent(root)).toBe(false);
  });
});
