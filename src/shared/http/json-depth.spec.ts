import { exceedsJsonDepth } from './json-depth.js';

describe('exceedsJsonDepth', () => {
  const nest = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n));

  it('accepts bodies up to the limit and refuses deeper ones, arrays and objects alike', () => {
    expect(exceedsJsonDepth(nest(3), 3)).toBe(false);
    expect(exceedsJsonDepth(nest(4), 3)).toBe(true);
    expect(exceedsJsonDepth({ a: { b: { c: 1 } } }, 3)).toBe(false);
    expect(exceedsJsonDepth({ a: { b: { c: {} } } }, 3)).toBe(true);
  });

  it('handles 100,000 levels without overflowing the stack', () => {
    expect(exceedsJsonDepth(nest(100_000))).toBe(true);
  });

  it('ignores scalars and wide but shallow values', () => {
    expect(exceedsJsonDepth('text')).toBe(false);
    expect(exceedsJsonDepth(undefined)).toBe(false);
    expect(exceedsJsonDepth(Array(200_000).fill(0))).toBe(false);
  });
});

describe('exceedsJsonSize', () => {
  it('accepts ordinary bodies and refuses huge arrays and objects', async () => {
    const { exceedsJsonSize } = await import('./json-depth.js');
    expect(exceedsJsonSize({ a: [1, 2, 3], b: { c: 'd' } })).toBe(false);
    expect(exceedsJsonSize({ keys: new Array(200_000).fill(0) })).toBe(true);
    expect(exceedsJsonSize(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])))).toBe(true);
    expect(exceedsJsonSize(new Array(9_000).fill('x'))).toBe(false);
  });
});

describe('raw bodies', () => {
  it('treats a Buffer as one value, whatever its length', async () => {
    const { exceedsJsonSize, exceedsJsonDepth } = await import('./json-depth.js');
    expect(exceedsJsonSize(Buffer.alloc(50_000))).toBe(false);
    expect(exceedsJsonDepth(Buffer.alloc(50_000))).toBe(false);
  });
});
