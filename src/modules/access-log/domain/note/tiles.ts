/**
 * C2SP tlog-tiles paths and shapes. Tile L/N holds up to 256 hashes of the Merkle tree's level
 * 8L, at indices N*256 .. N*256+255: each is the hash of a complete subtree of 256^L leaves.
 */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

export interface TileRef {
  level: number;
  index: number;
  /** 1..256; 256 is a full tile, anything less a partial one (`.p/<W>`). */
  width: number;
}

/** `x001/x234/067` for 1234067. */
export function formatTileIndex(n: number): string {
  let s = String(n % 1000).padStart(3, '0');
  for (let rest = Math.floor(n / 1000); rest > 0; rest = Math.floor(rest / 1000))
    s = `x${String(rest % 1000).padStart(3, '0')}/${s}`;
  return s;
}

export function formatTilePath(t: TileRef): string {
  return `${t.level}/${formatTileIndex(t.index)}${t.width < TILE_WIDTH ? `.p/${t.width}` : ''}`;
}

/** Parses `<L>/<N>[.p/<W>]` (the part after `tile/`); undefined when it is not a valid tile path. */
export function parseTilePath(path: string): TileRef | undefined {
  const m = /^(0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!m) return undefined;
  const level = Number(m[1]);
  if (level > 63) return undefined;
  const parts = [
    ...m[2]
      .split('/')
      .filter(Boolean)
      .map((p) => p.slice(1)),
    m[3],
  ];
  // Leading x000 elements would give one tile two paths.
  if (parts.length > 1 && parts[0] === '000') return undefined;
  if (parts.length > 6) return undefined;
  let index = 0;
  for (const p of parts) index = index * 1000 + Number(p);
  if (!Number.isSafeInteger(index)) return undefined;
  const width = m[4] === undefined ? TILE_WIDTH : Number(m[4]);
  if (width > 255 && m[4] !== undefined) return undefined;
  return { level, index, width };
}

/** Leaves covered by one hash of a tile at this level: 256^level. */
export function leavesPerTileHash(level: number): number {
  return TILE_WIDTH ** level;
}

/** True when the tree of `size` leaves holds every hash of the tile (full or partial of that width). */
export function tileInTree(t: TileRef, size: number): boolean {
  const end = (t.index * TILE_WIDTH + t.width) * leavesPerTileHash(t.level);
  return Number.isSafeInteger(end) && end <= size;
}

/** Width of the partial tile at a level for a tree of `size` leaves (0: none). */
export function partialTileWidth(level: number, size: number): number {
  return Math.floor(size / leavesPerTileHash(level)) % TILE_WIDTH;
}
