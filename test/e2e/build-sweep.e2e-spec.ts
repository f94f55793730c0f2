import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * scripts/build.mjs never empties dist/ (a running gateway or test keeps its files), so it must
 * remove what no source makes any more: a page or script deleted from src/ would otherwise still
 * be served from dist/ by the tree that deleted it.
 */
describe('the build (scripts/build.mjs)', () => {
  it('removes files under dist/ that no source file makes, and keeps the ones it wrote', async () => {
    const stale = path.join(root, 'dist/src/modules/ig-console/static/removed-page.html');
    const staleModule = path.join(root, 'dist/src/gone-away/module.js');
    mkdirSync(path.dirname(staleModule), { recursive: true });
    writeFileSync(stale, '<p>from a source since deleted</p>');
    writeFileSync(staleModule, 'export {};');
    await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: root });
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(staleModule)).toBe(false);
    expect(existsSync(path.join(root, 'dist/src/main.js'))).toBe(true);
    expect(existsSync(path.join(root, 'dist/src/modules/ig-console/static/verification'))).toBe(true);
    expect(existsSync(path.join(root, 'dist/.build-stamp'))).toBe(true);
  }, 60_000);
});
