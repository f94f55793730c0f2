/**
 * Streams the rows of `COPY (query) TO STDOUT (FORMAT binary)` to a callback, without turning
 * any value into text: bytea columns arrive as the bytes PostgreSQL stores, with no hex or base64
 * encoding on the server and no decoding (or JS string) here. This is what lets a full
 * verification of the access log move gigabytes at the speed of the hashing rather than of the
 * text protocol.
 *
 * The rows are handed over as they arrive, so the server keeps producing (into the socket
 * buffers) while the callback works on the previous chunk.
 */
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/** One row, valid only during the callback: its fields are views on a shared buffer. */
export interface BinaryRow {
  /** The buffer holding the row. */
  readonly buf: Buffer;
  /** Number of fields. */
  readonly count: number;
  /** Start of field i in `buf`, or -1 when it is NULL. */
  readonly start: Int32Array;
  /** Length of field i in bytes (0 when NULL). */
  readonly length: Int32Array;
}

// "PGCOPY\n\377\r\n\0", then a 32-bit flags field and a 32-bit header-extension length.
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const MAX_FIELDS = 64;

export class BinaryCopyFormatError extends Error {}

/** The field as a big-endian signed integer (int2, int4 or int8 column). */
export function intField(row: BinaryRow, i: number): number {
  const at = row.start[i];
  switch (row.length[i]) {
    case 2:
      return row.buf.readInt16BE(at);
    case 4:
      return row.buf.readInt32BE(at);
    case 8: {
      // Two 32-bit halves rather than a BigInt per value (the verifier reads millions).
      const high = row.buf.readInt32BE(at);
      if (high > 0x1fffff || high < -0x200000) throw new BinaryCopyFormatError(`field ${i}: integer out of the safe range`);
      return high * 0x1_0000_0000 + row.buf.readUInt32BE(at + 4);
    }
    default:
      throw new BinaryCopyFormatError(`field ${i} is not an integer (${row.length[i]} bytes)`);
  }
}

/** The field's bytes as a view (no copy); valid only during the callback. */
export function bytesField(row: BinaryRow, i: number): Buffer {
  return row.buf.subarray(row.start[i], row.start[i] + row.length[i]);
}

/**
 * Runs `COPY (<query>) TO STDOUT (FORMAT binary)` on `client` (which must be idle) and calls
 * `onRow` for every row in order. Resolves with the number of rows once the COPY has finished.
 * A throwing callback ends the COPY and rejects with its error; the connection is then unusable
 * mid-COPY and should be discarded.
 */
export async function copyBinaryRows(client: pg.ClientBase, query: string, onRow: (row: BinaryRow) => void): Promise<number> {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`));
  const row: { buf: Buffer; count: number; start: Int32Array; length: Int32Array } = { buf: Buffer.alloc(0), count: 0, start: new Int32Array(MAX_FIELDS), length: new Int32Array(MAX_FIELDS) };
  let headerDone = false;
  let trailer = false;
  let rows = 0;
  let rest: Buffer | undefined;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = rest && rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let at = 0;
    if (!headerDone) {
      if (buf.length < SIGNATURE.length + 8) {
        rest = buf;
        continue;
      }
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new BinaryCopyFormatError('not a binary COPY stream');
      const extension = buf.readUInt32BE(SIGNATURE.length + 4);
      if (buf.length < SIGNATURE.length + 8 + extension) {
        rest = buf;
        continue;
      }
      at = SIGNATURE.length + 8 + extension;
      headerDone = true;
    }
    row.buf = buf;
    // One row per pass; a row cut by the chunk boundary waits for the next chunk.
    for (;;) {
      if (trailer) break;
      if (buf.length - at < 2) break;
      const fields = buf.readInt16BE(at);
      if (fields === -1) {
        trailer = true;
        at += 2;
        break;
      }
      if (fields < 0 || fields > MAX_FIELDS) throw new BinaryCopyFormatError(`a row of ${fields} fields`);
      let p = at + 2;
      let complete = true;
      for (let i = 0; i < fields; i++) {
        if (buf.length - p < 4) {
          complete = false;
          break;
        }
        const len = buf.readInt32BE(p);
        p += 4;
        if (len === -1) {
          row.start[i] = -1;
          row.length[i] = 0;
          continue;
        }
        if (buf.length - p < len) {
          complete = false;
          break;
        }
        row.start[i] = p;
        row.length[i] = len;
        p += len;
      }
      if (!complete) break;
      row.count = fields;
      rows++;
      onRow(row);
      at = p;
    }
    rest = at < buf.length ? buf.subarray(at) : undefined;
  }
  if (!headerDone || !trailer || (rest && rest.length)) throw new BinaryCopyFormatError('the binary COPY stream ended early');
  return rows;
}
