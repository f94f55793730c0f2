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
      // Two 32-bit halves rather than a BigInt per value (the verifier reads millions); exact
      // whenever the result is a safe integer, and anything else is refused.
      const value = row.buf.readInt32BE(at) * 0x1_0000_0000 + row.buf.readUInt32BE(at + 4);
      if (!Number.isSafeInteger(value)) throw new BinaryCopyFormatError(`field ${i}: integer out of the safe range`);
      return value;
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
 * Parses a binary COPY stream fed in chunks of any size: a row cut by a chunk boundary waits
 * for the next chunk. Throws BinaryCopyFormatError on anything that is not the format.
 */
export class BinaryCopyParser {
  private readonly row: { buf: Buffer; count: number; start: Int32Array; length: Int32Array } = {
    buf: Buffer.alloc(0),
    count: 0,
    start: new Int32Array(MAX_FIELDS),
    length: new Int32Array(MAX_FIELDS),
  };
  private headerDone = false;
  private trailer = false;
  private rest: Buffer | undefined;
  rows = 0;

  constructor(private readonly onRow: (row: BinaryRow) => void) {}

  push(chunk: Buffer): void {
    const buf = this.rest && this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = undefined;
    let at = 0;
    if (!this.headerDone) {
      if (buf.length < SIGNATURE.length + 8) {
        this.rest = buf;
        return;
      }
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE))
        throw new BinaryCopyFormatError('not a binary COPY stream');
      const extension = buf.readUInt32BE(SIGNATURE.length + 4);
      if (buf.length < SIGNATURE.length + 8 + extension) {
        this.rest = buf;
        return;
      }
      at = SIGNATURE.length + 8 + extension;
      this.headerDone = true;
    }
    const row = this.row;
    row.buf = buf;
    while (!this.trailer && buf.length - at >= 2) {
      const fields = buf.readInt16BE(at);
      if (fields === -1) {
        this.trailer = true;
        at += 2;
        break;
      }
      if (fields < 0 || fields > MAX_FIELDS) throw new BinaryCopyFormatError(`a row of ${fields} fields`);
      const end = this.fieldsOf(buf, at + 2, fields);
      if (end < 0) break; // the row continues in the next chunk
      row.count = fields;
      this.rows++;
      this.onRow(row);
      at = end;
    }
    if (at < buf.length) {
      if (this.trailer) throw new BinaryCopyFormatError('data after the binary COPY trailer');
      this.rest = buf.subarray(at);
    }
  }

  /** Ends the stream: throws unless it was complete. */
  finish(): number {
    if (!this.headerDone || !this.trailer || this.rest?.length)
      throw new BinaryCopyFormatError('the binary COPY stream ended early');
    return this.rows;
  }

  /** Records the row's fields starting at `p`; the offset after the row, or -1 when it is cut off. */
  private fieldsOf(buf: Buffer, p: number, fields: number): number {
    for (let i = 0; i < fields; i++) {
      if (buf.length - p < 4) return -1;
      const len = buf.readInt32BE(p);
      p += 4;
      if (len === -1) {
        this.row.start[i] = -1;
        this.row.length[i] = 0;
        continue;
      }
      if (len < 0) throw new BinaryCopyFormatError(`a field of length ${len}`);
      if (buf.length - p < len) return -1;
      this.row.start[i] = p;
      this.row.length[i] = len;
      p += len;
    }
    return p;
  }
}

/**
 * Runs `COPY (<query>) TO STDOUT (FORMAT binary)` on `client` (which must be idle) and calls
 * `onRow` for every row in order. Resolves with the number of rows once the COPY has finished.
 * If `onRow` throws, or the stream is malformed, no more rows are handed over but the stream is
 * still read to its end, so the connection leaves COPY mode and stays usable (abandoning the
 * stream halfway left every later query on the client waiting for ever); then it rejects with
 * that error.
 */
export async function copyBinaryRows(
  client: pg.ClientBase,
  query: string,
  onRow: (row: BinaryRow) => void,
): Promise<number> {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`));
  const parser = new BinaryCopyParser(onRow);
  let failure: { error: unknown } | undefined;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (failure) continue;
    try {
      parser.push(chunk);
    } catch (error) {
      failure = { error };
    }
  }
  if (failure) throw failure.error;
  return parser.finish();
}
