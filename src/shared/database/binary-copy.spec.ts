import { BinaryCopyFormatError, intField, type BinaryRow } from './binary-copy.js';

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
  it.each([0n, 1n, 4294967295n, 4294967296n, 123456789012345n, BigInt(Number.MAX_SAFE_INTEGER), -1n, -4294967296n, -BigInt(Number.MAX_SAFE_INTEGER)])('reads the int8 %s exactly', (v) => {
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
    expect(() => intField(rowOf(Buffer.alloc(3)), 0)).toThrow(BinaryCopyFormatError);
  });
});
