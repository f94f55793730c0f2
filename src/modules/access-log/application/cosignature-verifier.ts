import { cosignatureVerifier, formatCheckpoint, NoteError, parseSignatureLine } from '../domain/note/index.js';
import type { RowQueries } from './log-verifier.js';

interface Sink {
  add(p: { kind: string; treeSize?: number; detail: string }): void;
}

/**
 * The witness half of log:verify: every stored cosignature of a configured witness must verify
 * over the C2SP checkpoint text of the stored checkpoint it names (whose root log:verify has
 * compared with the rebuilt tree), and every witness alert is reported, since a witness refusing
 * a checkpoint as inconsistent is what a fork looks like from outside.
 * Answers how many cosignatures were checked, and, per witness, how many stored cosignatures
 * it could not check: those of witnesses no key was given for (all of them without keys).
 */
export async function verifyCosignatures(
  db: RowQueries,
  sink: Sink,
  origin: string,
  witnessKeys: readonly string[],
): Promise<{ checked: number; unchecked: { witness: string; n: number }[] }> {
  const verifiers = new Map(witnessKeys.map((k) => cosignatureVerifier(k)).map((v) => [v.name, v]));
  const unchecked = await db.rows<{ witness: string; n: number }>(
    `SELECT witness, count(*)::int AS n FROM access_log_cosignatures WHERE NOT (witness = ANY($1)) GROUP BY witness ORDER BY witness`,
    [[...verifiers.keys()]],
  );
  if (verifiers.size === 0) return { checked: 0, unchecked };
  const rows = await db.rows<{ tree_size: string; witness: string; line: string; root_hash: Buffer | null }>(
    `SELECT c.tree_size, c.witness, c.line, cp.root_hash FROM access_log_cosignatures c
       LEFT JOIN access_log_checkpoints cp ON cp.tree_size = c.tree_size
      WHERE c.witness = ANY($1) ORDER BY c.tree_size, c.witness`,
    [[...verifiers.keys()]],
  );
  for (const r of rows) {
    const size = Number(r.tree_size);
    const v = verifiers.get(r.witness)!;
    if (!r.root_hash) {
      sink.add({
        kind: 'cosignature',
        treeSize: size,
        detail: `${r.witness} cosigned checkpoint ${size}, which is not stored`,
      });
      continue;
    }
    let ok = false;
    try {
      const sig = parseSignatureLine(r.line);
      ok =
        sig.name === v.name &&
        sig.id === v.id &&
        v.verify(formatCheckpoint({ origin, size, rootHash: r.root_hash }), sig.signature);
    } catch (e) {
      if (!(e instanceof NoteError)) throw e;
    }
    if (!ok)
      sink.add({
        kind: 'cosignature',
        treeSize: size,
        detail: `the cosignature of ${r.witness} on checkpoint ${size} does not verify over the stored checkpoint`,
      });
  }
  const alerts = await db.rows<{ witness: string; tree_size: string; reason: string; at: Date }>(
    `SELECT witness, tree_size, reason, at FROM access_log_witness_alerts ORDER BY id`,
  );
  for (const a of alerts) {
    sink.add({
      kind: 'witness_alert',
      treeSize: Number(a.tree_size),
      detail: `${a.witness} refused checkpoint ${a.tree_size} (${a.reason}) at ${a.at.toISOString()}`,
    });
  }
  return { checked: rows.length, unchecked };
}
