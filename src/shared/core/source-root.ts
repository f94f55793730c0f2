import { fileURLToPath } from 'node:url';

/**
 * Where the build's src/ lies relative to the bundle, set by scripts/bundle.mjs: in the bundle every
 * module shares the bundle's own import.meta.url, so no module may find its files beside itself.
 */
declare const __BUNDLED_SRC_ROOT__: string | undefined;

/** True under Jest, which runs the TypeScript sources (src/) rather than the build (dist/src/). */
export const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

const SRC_ROOT =
  typeof __BUNDLED_SRC_ROOT__ === 'string'
    ? new URL(__BUNDLED_SRC_ROOT__, import.meta.url)
    : new URL('../../', import.meta.url);

/**
 * A file or folder (ending in '/') of the running code's src/, e.g. 'modules/web/views/': under
 * dist/src/ when built or bundled, under src/ under Jest.
 */
export function sourceUrl(relative: string): URL {
  return new URL(relative, SRC_ROOT);
}

/** sourceUrl as a file-system path. */
export function sourcePath(relative: string): string {
  return fileURLToPath(sourceUrl(relative));
}
