import { createHash, randomBytes } from 'node:crypto';

import { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash, nodeHashEngine, nodeHashReady } from './hashes.js';

const sha256 = (...parts: Uint8Array[]): string => createHash('sha256').update(Buffer.concat(parts)).digest('hex');

describe('hashes', () => {
  it('EMPTY_ROOT is SHA-256 of the empty string', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(EMPTY_ROOT).toHaveLength(HASH_SIZE);
  });

  it('leafHash of the empty leaf matches the RFC 6962/9162 known answer', () => {
    expect(leafHash(new Uint8Array(0)).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  it('leafHash is SHA-256(0x00 || leaf)', () => {
    const leaf = Buffer.from('access-log entry');
    expect(leafHash(leaf).toString('hex')).toBe(sha256(Buffer.from([0]), leaf));
  });

  it('nodeHash is SHA-256(0x01 || left || right)', () => {
    const left = leafHash(Buffer.from('a'));
    const right = leafHash(Buffer.from('b'));
    expect(nodeHash(left, right).toString('hex')).toBe(sha256(Buffer.from([1]), left, right));
    expect(nodeHash(right, left).toString('hex')).toBe(sha256(Buffer.from([1]), right, left));
  });

  it('nodeHash gives the same hashes through WebAssembly, each in its own buffer', async () => {
    await nodeHashReady;
    expect(nodeHashEngine()).toBe('webassembly');
    const pairs = Array.from({ length: 200 }, () => [randomBytes(32), randomBytes(32)] as const);
    const hashes = pairs.map(([l, r]) => nodeHash(l, r));
    pairs.forEach(([l, r], i) => expect(hashes[i].toString('hex')).toBe(sha256(Buffer.from([1]), l, r)));
    expect(new Set(hashes.map((h) => h.toString('hex'))).size).toBe(200);
  });

  it('nodeHash handles inputs that are not 32 bytes by the same definition', () => {
    const short = Buffer.from('abc');
    const long = Buffer.alloc(40, 7);
    expect(nodeHash(short, long).toString('hex')).toBe(sha256(Buffer.from([1]), short, long));
  });

  it('returns independent buffers despite the shared scratch space', () => {
    const a = leafHash(Buffer.from('a'));
    const b = leafHash(Buffer.from('b'));
    const ab = nodeHash(a, b);
    const abHex = ab.toString('hex');
    const ba = nodeHash(b, a);
    expect(ab.toString('hex')).toBe(abHex);
    expect(ba).not.toBe(ab);
    expect(ba.equals(ab)).toBe(false);
  });

  it('separates leaves from nodes (second-preimage resistance of the domain prefix)', () => {
    const a = leafHash(Buffer.from('a'));
    const b = leafHash(Buffer.from('b'));
    expect(leafHash(Buffer.concat([a, b])).equals(nodeHash(a, b))).toBe(false);
  });
});
