import { formatDuration, progressBar, renderProgress } from './progress.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { out: { isTTY, write: (s: string) => chunks.push(s) }, chunks };
}

describe('progressBar', () => {
  it('renders fraction, counts, rate and ETA on one line', () => {
    const line = renderProgress('cases', 25_000, 100_000, 5000);
    expect(line).toMatch(/^cases \[#{7}\.{21}\] {2}25% 25,000\/100,000 {2}5,000\/s {2}ETA 15s$/);
    expect(renderProgress('cases', 10, 10, 90_000)).toContain('in 1m30s');
  });

  it('formats durations', () => {
    expect(formatDuration(59.4)).toBe('59s');
    expect(formatDuration(3600 + 120)).toBe('1h02m');
    expect(formatDuration(Infinity)).toBe('?');
  });

  it('redraws in place on a terminal, at most every 100 ms, and ends the line', () => {
    let t = 0;
    const { out, chunks } = sink(true);
    const bar = progressBar('cases', 100, out, () => t);
    bar.update(10);
    t = 50;
    bar.update(20); // too soon: skipped
    t = 200;
    bar.update(30);
    bar.finish();
    expect(chunks.filter((c) => c.startsWith('\r'))).toHaveLength(3);
    expect(chunks.at(-1)).toBe('\n');
  });

  it('writes a plain line at the start and per tenth when not on a terminal', () => {
    let t = 0;
    const { out, chunks } = sink(false);
    const bar = progressBar('cases', 100, out, () => t);
    for (let i = 1; i <= 100; i++) {
      t += 10;
      bar.update(i);
    }
    bar.finish();
    expect(chunks).toHaveLength(11); // the start, then each tenth
    expect(chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
    expect(chunks.at(-1)).toContain('100%');
  });
});
