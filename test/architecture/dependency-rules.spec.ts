import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '../..');

/** A small tree that breaks each rule once (and keeps to it elsewhere), cruised with the project's config. */
const FILES: Record<string, string> = {
  'src/shared/ok.ts': `export const ok = 1;`,
  'src/shared/uses-module.ts': `import { x } from '@modules/x/index.js';\nexport const s = x;`,
  'src/modules/x/index.ts': `export { x } from './x.js';`,
  'src/modules/x/x.ts': `import { ok } from '@shared/ok.js';\nexport const x = ok;`,
  'src/modules/y/through-index.ts': `import { x } from '@modules/x/index.js';\nexport const y = x;`,
  'src/modules/y/deep-import.ts': `import { x } from '@modules/x/x.js';\nexport const y2 = x;`,
  'src/modules/y/relative-deep-import.ts': `import { x } from '../x/x.js';\nexport const y3 = x;`,
  'src/modules/access-log/log.ts': `import { x } from '@modules/x/index.js';\nexport const l = x;`,
  'src/modules/access-log/inner.ts': `import { ok } from '@shared/ok.js';\nexport const i = ok;`,
  'src/config/config.ts': `import { x } from '../modules/x/index.js';\nexport const c = x;`,
  'src/modules/z/p.ts': `import { q } from './q.js';\nexport const p = () => q();`,
  'src/modules/z/q.ts': `import { p } from './p.js';\nexport const q = (): unknown => p;`,
  'src/modules/z/t1.ts': `import type { T2 } from './t2.js';\nexport interface T1 { t2?: T2 }\nexport const one = 1;`,
  'src/modules/z/t2.ts': `import { one } from './t1.js';\nexport interface T2 { n: typeof one }`,
  'src/modules/z/missing.ts': `import { nothing } from '@modules/nothing/index.js';\nexport const m = nothing;`,
  'src/app.ts': `import { helper } from '../test/helper.js';\nexport const a = helper;`,
  'src/app.spec.ts': `import { helper } from '../test/helper.js';\nexport const spec = helper;`,
  'src/uses-dev-dependency.ts': `import request from 'supertest';\nexport const r = request;`,
  'test/helper.ts': `export const helper = 1;`,
  'src/modules/access-log/domain/merkle/m.ts': `import { createHash } from 'node:crypto';\nexport const m = createHash;`,
  'src/modules/access-log/domain/note/n.ts': `import { m } from '../merkle/m.js';\nexport const n = m;`,
  'src/modules/access-log/domain/note/uses-shared.ts': `import { ok } from '@shared/ok.js';\nexport const u = ok;`,
  'src/witness/w.ts': `import http from 'node:http';\nimport { n } from '../modules/access-log/domain/note/n.js';\nexport const w = [http, n];`,
  'src/witness/uses-gateway.ts': `import { i } from '../modules/access-log/inner.js';\nexport const g = i;`,
  'src/witness/uses-package.ts': `import pg from 'pg';\nexport const p = pg;`,
  'src/modules/w/domain/ok.ts': `export const rule = 1;`,
  'src/modules/w/domain/uses-adapter.ts': `import { store } from '../infrastructure/store.js';\nexport const d = store;`,
  'src/modules/w/domain/uses-framework.ts': `import { Injectable } from '@nestjs/common';\nexport const f = Injectable;`,
  'src/modules/w/domain/ok.spec.ts': `import { store } from '../infrastructure/store.js';\nexport const t = store;`,
  'src/modules/w/infrastructure/store.ts': `import { rule } from '../domain/ok.js';\nexport const store = rule;`,
  'src/modules/w/application/service.ts': `import { rule } from '../domain/ok.js';\nexport const a = rule;`,
  'src/modules/w/commands/do/do.handler.ts': `import { store } from '../../infrastructure/store.js';\nexport const h = store;`,
  'src/modules/w/queries/q/q.handler.spec.ts': `import { store } from '../../infrastructure/store.js';\nexport const qt = store;`,
};

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

describe('.dependency-cruiser.cjs', () => {
  let dir: string;
  let violations: Violation[];

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gw-depcruise-'));
    for (const [file, text] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text + '\n');
    }
    copyFileSync(path.join(repo, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
    copyFileSync(path.join(repo, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'fixture', type: 'module', devDependencies: { supertest: '*' } }),
    );
    symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'));
    const r = spawnSync(
      process.execPath,
      [
        path.join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
        'src',
        '--config',
        '.dependency-cruiser.cjs',
        '--output-type',
        'json',
      ],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.stderr).toBe('');
    violations = (JSON.parse(r.stdout) as { summary: { violations: Violation[] } }).summary.violations;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const found = (rule: string) =>
    violations
      .filter((v) => v.rule.name === rule)
      .map((v) => v.from)
      .sort();

  it('forbids runtime import cycles, not cycles made only of type imports', () => {
    // One violation per cycle, reported from either end.
    expect(found('no-circular')).toEqual([expect.stringMatching(/^src\/modules\/z\/[pq]\.ts$/)]);
  });

  it('keeps src/shared free of feature modules', () => {
    expect(found('shared-not-to-modules')).toEqual(['src/shared/uses-module.ts']);
  });

  it("lets a module reach another only through that module's index.ts", () => {
    expect(found('modules-only-through-index')).toEqual([
      'src/modules/y/deep-import.ts',
      'src/modules/y/relative-deep-import.ts',
    ]);
  });

  it('keeps the access log independent of feature modules', () => {
    expect(found('access-log-uses-no-feature-module')).toEqual(['src/modules/access-log/log.ts']);
  });

  it('keeps configuration independent of modules', () => {
    expect(found('config-not-to-modules')).toEqual(['src/config/config.ts']);
  });

  it('resolves the path aliases and .js specifiers (so nothing slips through unresolved)', () => {
    expect(
      violations.filter((v) => v.rule.name === 'no-unresolvable-imports').map((v) => `${v.from} -> ${v.to}`),
    ).toEqual(['src/modules/z/missing.ts -> @modules/nothing/index.js']);
  });

  it('keeps test helpers and devDependencies out of shipped code', () => {
    expect(found('app-code-not-to-tests')).toEqual(['src/app.ts']);
    expect(found('app-code-not-to-dev-dependencies')).toEqual(['src/uses-dev-dependency.ts']);
  });

  it("keeps the witness to the Merkle and note code and Node's modules, and that code to itself", () => {
    expect(found('witness-standalone')).toEqual(['src/witness/uses-gateway.ts', 'src/witness/uses-package.ts']);
    expect(found('merkle-and-note-self-contained')).toEqual(['src/modules/access-log/domain/note/uses-shared.ts']);
  });

  it('keeps the domain free of other layers, the framework and the database; specs may use anything', () => {
    expect(found('domain-is-pure')).toEqual([
      'src/modules/w/domain/uses-adapter.ts',
      'src/modules/w/domain/uses-framework.ts',
    ]);
  });

  it('lets application code reach adapters only through ports', () => {
    expect(found('application-not-to-infrastructure')).toEqual(['src/modules/w/commands/do/do.handler.ts']);
  });

  it('reports nothing else', () => {
    expect(violations).toHaveLength(15);
  });
});
