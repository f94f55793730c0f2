import { canonicalJson } from '../verification/canonical-json.js';

export { canonicalJson };

/** {@link canonicalJson} encoded as UTF-8, i.e. the exact bytes RFC 8785 says to hash or sign. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
