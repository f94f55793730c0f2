/**
 * A monitor's view of the log through C2SP tlog-tiles only: it fetches hash tiles over HTTP and
 * computes RFC 9162 hashes and inclusion proofs from them, with its own code (no gateway code).
 */
import { createHash } from 'node:crypto';

const node = (l: Buffer, r: Buffer) =>
  createHash('sha256')
    .update(Buffer.from([1]))
    .update(l)
    .update(r)
    .digest();

function tileIndexPath(n: number): string {
  let s = String(n % 1000).padStart(3, '0');
  for (let rest = Math.floor(n / 1000); rest > 0; rest = Math.floor(rest / 1000))
    s = `x${String(rest % 1000).padStart(3, '0')}/${s}`;
  return s;
}

export class TileClient {
  private readonly cache = new Map<string, Buffer>();
  readonly fetched: string[] = [];

  constructor(
    private readonly get: (path: string) => Promise<Buffer>,
    private readonly size: number,
  ) {}

  /** The tile holding hash `i` of tile level L, with the width the tree of `size` gives it. */
  private async tileHash(L: number, i: number): Promise<Buffer> {
    const n = Math.floor(i / 256);
    const perHash = 256 ** L;
    const width = Math.min(256, Math.floor(this.size / perHash) - n * 256);
    const path = `/log/tile/${L}/${tileIndexPath(n)}${width < 256 ? `.p/${width}` : ''}`;
    let tile = this.cache.get(path);
    if (!tile) {
      tile = await this.get(path);
      this.fetched.push(path);
      this.cache.set(path, tile);
    }
    if (tile.length !== width * 32) throw new Error(`${path} has ${tile.length} bytes`);
    return tile.subarray((i % 256) * 32, (i % 256) * 32 + 32);
  }

  /** Hash of the complete subtree of 2^h leaves starting at leaf i * 2^h. */
  async subtree(h: number, i: number): Promise<Buffer> {
    const L = Math.floor(h / 8);
    const r = h % 8;
    let level: Buffer[] = [];
    for (let k = 0; k < 2 ** r; k++) level.push(await this.tileHash(L, i * 2 ** r + k));
    while (level.length > 1)
      level = Array.from({ length: level.length / 2 }, (_, k) => node(level[2 * k], level[2 * k + 1]));
    return level[0];
  }

  /** MTH(D[start:start+n]) for the aligned ranges RFC 9162's recursion uses. */
  async mth(start: number, n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let s = start;
    let left = n;
    while (left > 0) {
      const w = 2 ** Math.floor(Math.log2(left));
      parts.push(await this.subtree(Math.log2(w), s / w));
      s += w;
      left -= w;
    }
    let h = parts[parts.length - 1];
    for (let k = parts.length - 2; k >= 0; k--) h = node(parts[k], h);
    return h;
  }

  /** PATH(m, D[0:size]) per RFC 9162 2.1.3.1, leaf end first. */
  async inclusionProof(m: number): Promise<Buffer[]> {
    const path = async (m: number, start: number, n: number): Promise<Buffer[]> => {
      if (n === 1) return [];
      const k = 2 ** Math.floor(Math.log2(n - 1));
      return m < k
        ? [...(await path(m, start, k)), await this.mth(start + k, n - k)]
        : [...(await path(m - k, start + k, n - k)), await this.mth(start, k)];
    };
    return path(m, 0, this.size);
  }
}
