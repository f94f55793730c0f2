import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WitnessStore, type StoredCosignature, type WitnessAlert } from '../domain/witness-store.port.js';

/** Cosignatures and witness alerts: append and find only. */
@Injectable()
export class WitnessRepository extends WitnessStore {
  constructor(private readonly db: DataSource) {
    super();
  }

  async addCosignature(c: StoredCosignature): Promise<void> {
    await this.db.query(
      `INSERT INTO access_log_cosignatures (tree_size, witness, line, cosigned_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [c.treeSize, c.witness, c.line, c.cosignedAt],
    );
  }

  async cosignaturesAt(treeSize: number): Promise<StoredCosignature[]> {
    const rows: { witness: string; line: string; cosigned_at: Date }[] = await this.db.query(
      `SELECT witness, line, cosigned_at FROM access_log_cosignatures WHERE tree_size = $1 ORDER BY witness`,
      [treeSize],
    );
    return rows.map((r) => ({ treeSize, witness: r.witness, line: r.line, cosignedAt: r.cosigned_at }));
  }

  /** Tree sizes, newest first, that at least `quorum` of these witnesses cosigned. */
  async sizesWithQuorum(
    witnesses: readonly string[],
    quorum: number,
    limit: number,
    atMost?: number,
  ): Promise<number[]> {
    const rows: { tree_size: string }[] = await this.db.query(
      `SELECT tree_size FROM access_log_cosignatures
        WHERE witness = ANY($1) AND ($4::bigint IS NULL OR tree_size <= $4)
        GROUP BY tree_size HAVING count(*) >= $2 ORDER BY tree_size DESC LIMIT $3`,
      [witnesses, quorum, limit, atMost ?? null],
    );
    return rows.map((r) => Number(r.tree_size));
  }

  /** The largest tree size each witness has cosigned. */
  async lastCosignedSizes(): Promise<Map<string, number>> {
    const rows: { witness: string; size: string }[] = await this.db.query(
      `SELECT witness, max(tree_size) AS size FROM access_log_cosignatures GROUP BY witness`,
    );
    return new Map(rows.map((r) => [r.witness, Number(r.size)]));
  }

  async addAlert(a: Omit<WitnessAlert, 'at'>): Promise<void> {
    await this.db.query(
      `INSERT INTO access_log_witness_alerts (witness, tree_size, status, reason, detail) VALUES ($1, $2, $3, $4, $5)`,
      [a.witness, a.treeSize, a.status, a.reason, a.detail.slice(0, 500)],
    );
  }

  async alerts(limit: number): Promise<WitnessAlert[]> {
    const rows: { witness: string; tree_size: string; status: number; reason: string; detail: string; at: Date }[] =
      await this.db.query(
        `SELECT witness, tree_size, status, reason, detail, at FROM access_log_witness_alerts ORDER BY id DESC LIMIT $1`,
        [limit],
      );
    return rows.map((r) => ({
      witness: r.witness,
      treeSize: Number(r.tree_size),
      status: r.status,
      reason: r.reason,
      detail: r.detail,
      at: r.at.toISOString(),
    }));
  }
}
