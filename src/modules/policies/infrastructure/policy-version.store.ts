import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PolicyFile, PolicyFiles } from '@shared/crypto/policy-files-hash.js';

/** The table `policy_versions`: each policy version's files, keyed by content hash, never changed. */
@Injectable()
export class PolicyVersionStore {
  constructor(private readonly db: DataSource) {}

  /** Stores a version unless it is there already (the same hash means the same bytes). */
  async save(v: PolicyFiles): Promise<void> {
    await this.db.query(
      `INSERT INTO policy_versions (content_hash, file_names, file_contents) VALUES ($1, $2, $3)
       ON CONFLICT (content_hash) DO NOTHING`,
      [v.hash, v.files.map((f) => f.name), v.files.map((f) => f.bytes)],
    );
  }

  /** The files of the version with this content hash, or null when the gateway never ran with it. */
  async find(hash: string): Promise<PolicyFile[] | null> {
    const rows: { file_names: string[]; file_contents: Buffer[] }[] = await this.db.query(
      `SELECT file_names, file_contents FROM policy_versions WHERE content_hash = $1`,
      [hash],
    );
    if (!rows.length) return null;
    return rows[0].file_names.map((name, i) => ({ name, bytes: rows[0].file_contents[i] }));
  }
}
