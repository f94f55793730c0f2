import { Readable } from 'node:stream';
import type pg from 'pg';
import {
  BinaryCopyFormatError,
  BinaryCopyParser,
  bytesField,
  copyBinaryRows,
  intField,
  type BinaryRow,
} from './binary-copy.js';

function rowOf(...fields: Buffer[]): BinaryRow {
  const buf = Buffer.concat(fields);
  const start = new Int32Array(8);
  const length = new Int32Array(8);
  let at = 0;
  fields.forEach((f, i) => {
    start[i] = at;
    length[i] = f.length;
    at += f.length;
  });
  return { buf, count: fields.length, start, length };
}

const int8 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(v);
  return b;
};

describe(intField.name, () => {
  it.each([
    0n,
    1n,
    4294967295n,
    4294967296n,
    123456789012345n,
    BigInt(Number.MAX_SAFE_INTEGER),
    -1n,
    -4294967295n,
    -4294967296n,
    -BigInt(Number.MAX_SAFE_INTEGER),
  ])('reads the int8 %s exactly', (v) => {
    expect(intField(rowOf(int8(v)), 0)).toBe(Number(v));
  });

  it('reads int2 and int4 fields', () => {
    const int2 = Buffer.alloc(2);
    int2.writeInt16BE(-7);
    const int4 = Buffer.alloc(4);
    int4.writeInt32BE(2_000_000_000);
    const row = rowOf(int2, int4);
    expect([intField(row, 0), intField(row, 1)]).toEqual([-7, 2_000_000_000]);
  });

  it('refuses integers beyond the safe range and fields that are not integers', () => {
    expect(() => intField(rowOf(int8(BigInt(Number.MAX_SAFE_INTEGER) + 1n)), 0)).toThrow(BinaryCopyFormatError);
    expect(() => intField(rowOf(int8(-BigInt(Number.MAX_SAFE_INTEGER) - 1n)), 0)).toThrow(BinaryCopyFormatError);
    expect(() => intField(rowOf(Buffer.alloc(3)), 0)).toThrow(BinaryCopyFormatError);
  });
});

/** A binary COPY stream as PostgreSQL writes it: signature, flags, header extension, rows, trailer. */
function copyStream(rows: (Buffer | null)[][], extension = Buffer.from('ext')): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(4), Buffer.alloc(4)];
  parts[2].writeUInt32BE(extension.length);
  parts.push(extension);
  for (const r of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(r.length);
    parts.push(count);
    for (const f of r) {
      const len = Buffer.alloc(4);
      len.writeInt32BE(f === null ? -1 : f.length);
      parts.push(len);
      if (f) parts.push(f);
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

const ROWS: (Buffer | null)[][] = [
  [int8(0n), Buffer.from('a'.repeat(40)), Buffer.alloc(0)],
  [int8(123456789012n), null, Buffer.from([0, 1, 2, 255])],
  [int8(-5n), Buffer.from('é€'), Buffer.alloc(300, 7)],
];

function parse(chunks: Buffer[]): { n: number; rows: unknown[][] } {
  const seen: unknown[][] = [];
  const parser = new BinaryCopyParser((row) =>
    seen.push([
      intField(row, 0),
      row.start[1] < 0 ? null : bytesField(row, 1).toString('hex'),
      bytesField(row, 2).toString('hex'),
    ]),
  );
  for (const c of chunks) parser.push(c);
  return { n: parser.finish(), rows: seen };
}

describe(BinaryCopyParser.name, () => {
  const whole = copyStream(ROWS);
  const expected = ROWS.map((r) => [
    Number(r[0]!.readBigInt64BE()),
    r[1] === null ? null : r[1].toString('hex'),
    r[2]!.toString('hex'),
  ]);

  it('reads every row whatever the chunk boundaries: cut at every offset, and one byte at a time', () => {
    expect(parse([whole])).toEqual({ n: 3, rows: expected });
    for (let cut = 0; cut <= whole.length; cut++)
      expect(parse([whole.subarray(0, cut), whole.subarray(cut)])).toEqual({ n: 3, rows: expected });
    expect(parse([...whole].map((b) => Buffer.from([b])))).toEqual({ n: 3, rows: expected });
  });

  it('refuses a stream that ends early, is not binary COPY, or has impossible lengths', () => {
    for (let cut = 0; cut < whole.length; cut++)
      expect(() => parse([whole.subarray(0, cut)])).toThrow(BinaryCopyFormatError);
    expect(() => parse([Buffer.from('idx,entry\n1,text format\n2,not binary\n')])).toThrow('not a binary COPY stream');
    const badLength = Buffer.from(whole);
    badLength.writeInt32BE(-7, 19 + 3 + 2 + 4 + 8); // the second field of the first row
    expect(() => parse([badLength])).toThrow('a field of length -7');
    expect(() => parse([whole, Buffer.from([0])])).toThrow('after the binary COPY trailer');
  });
});

describe(copyBinaryRows.name, () => {
  it('reads the stream to its end even when a row callback throws (the connection must leave COPY mode), then rejects with that error', async () => {
    const chunks = [...copyStream(ROWS)].map((b) => Buffer.from([b]));
    let consumed = 0;
    const client = {
      query: () =>
        Readable.from(
          (function* () {
            for (const c of chunks) {
              consumed++;
              yield c;
            }
          })(),
        ),
    } as unknown as pg.ClientBase;
    await expect(
      copyBinaryRows(client, 'SELECT 1', () => {
        throw new Error('bad row');
      }),
    ).rejects.toThrow('bad row');
    expect(consumed).toBe(chunks.length);
  });

  it('counts the rows it handed over', async () => {
    const client = { query: () => Readable.from([copyStream(ROWS)]) } as unknown as pg.ClientBase;
    let seen = 0;
    await expect(copyBinaryRows(client, 'SELECT 1', () => void seen++)).resolves.toBe(3);
    expect(seen).toBe(3);
  });
});
