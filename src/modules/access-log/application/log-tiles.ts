import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessLogException, AccessLogExceptionCode } from '../domain/access-log.exception.js';
import { HASH_SIZE } from '../domain/merkle/index.js';
import { TILE_HEIGHT, TILE_WIDTH, tileInTree, type TileRef } from '../domain/note/index.js';

/**
 * C2SP tlog-tiles hash tiles, read from the stored complete-subtree hashes: tile L/N is the
 * nodes of Merkle level 8L at indices N*256 .. N*256+W-1 (level 0 from the entries' leaf
 * hashes), so appends store nothing new. A tile is served only once the log holds every hash in
 * it; its bytes can never change after that.
 */
@Injectable()
export class LogTiles {
  constructor(private readonly db: DataSource) {}

  async tile(t: TileRef): Promise<Buffer> {
    const first = t.index * TILE_WIDTH;
    const level = t.level * TILE_HEIGHT;
    const rows: { size: string; hash: Buffer | null }[] = await this.db.query(
      level === 0
        ? `SELECT h.size, e.leaf_hash AS hash FROM access_log_head h
             LEFT JOIN access_log_entries e ON e.idx >= $1 AND e.idx < $1 + $2
            WHERE h.id = 1 ORDER BY e.idx`
        : `SELECT h.size, n.hash FROM access_log_head h
             LEFT JOIN access_log_nodes n ON n.level = $3 AND n.idx >= $1 AND n.idx < $1 + $2
            WHERE h.id = 1 ORDER BY n.idx`,
      level === 0 ? [first, t.width] : [first, t.width, level],
    );
    const size = Number(rows[0].size);
    if (!tileInTree(t, size))
      throw new AccessLogException(AccessLogExceptionCode.TileNotFound, `The log of ${size} entries has no such tile.`);
    const hashes = rows.map((r) => r.hash).filter((h): h is Buffer => h !== null);
    // A missing or damaged node would otherwise make a tile whose hashes a client cannot tell apart from a fork.
    if (hashes.length !== t.width || hashes.some((h) => h.length !== HASH_SIZE))
      throw new Error(`tile ${t.level}/${t.index} lacks stored hashes`);
    return Buffer.concat(hashes);
  }
}
