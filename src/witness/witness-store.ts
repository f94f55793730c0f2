import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';

export interface CosignedCheckpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  /** The checkpoint with the log's signatures and the witness's cosignature. */
  note: string;
}

/**
 * The witness's whole state: per log, the latest checkpoint it cosigned, one file per origin
 * (`<dir>/logs/<sha256(origin) hex>.json`), replaced by write, fsync and rename so a crash leaves
 * the old or the new file, never a torn one.
 */
export class WitnessStore {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'logs');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  originHash(origin: string): string {
    return createHash('sha256').update(origin, 'utf8').digest('hex');
  }

  async latest(origin: string): Promise<CosignedCheckpoint | undefined> {
    let raw: string;
    try {
      raw = await readFile(this.file(origin), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const j = JSON.parse(raw) as { origin: string; size: number; rootHash: string; note: string };
    if (j.origin !== origin) throw new Error(`the witness state ${this.file(origin)} belongs to another origin`);
    return { origin, size: j.size, rootHash: Buffer.from(j.rootHash, 'base64'), note: j.note };
  }

  async save(c: CosignedCheckpoint): Promise<void> {
    const file = this.file(c.origin);
    const tmp = `${file}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(
        JSON.stringify({ origin: c.origin, size: c.size, rootHash: c.rootHash.toString('base64'), note: c.note }) +
          '\n',
      );
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  }

  private file(origin: string): string {
    return path.join(this.dir, `${this.originHash(origin)}.json`);
  }
}
