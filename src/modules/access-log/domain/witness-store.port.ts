export interface StoredCosignature {
  treeSize: number;
  witness: string;
  line: string;
  cosignedAt: Date;
}

export interface WitnessAlert {
  witness: string;
  treeSize: number;
  status: number;
  reason: string;
  detail: string;
  at: string;
}

/**
 * Cosignatures and witness alerts: append and find only. The application layer depends on this
 * port; the PostgreSQL adapter in infrastructure/ implements it.
 */
export abstract class WitnessStore {
  abstract addCosignature(c: StoredCosignature): Promise<void>;

  abstract cosignaturesAt(treeSize: number): Promise<StoredCosignature[]>;

  /** Tree sizes, newest first, that at least `quorum` of these witnesses cosigned. */
  abstract sizesWithQuorum(
    witnesses: readonly string[],
    quorum: number,
    limit: number,
    atMost?: number,
  ): Promise<number[]>;

  /** The largest tree size each witness has cosigned. */
  abstract lastCosignedSizes(): Promise<Map<string, number>>;

  abstract addAlert(a: Omit<WitnessAlert, 'at'>): Promise<void>;

  abstract alerts(limit: number): Promise<WitnessAlert[]>;
}
