/**
 * A one-line progress bar for long command-line jobs: redrawn in place with \r on a terminal,
 * a plain line every 10 % otherwise (so CI logs stay readable). Rate and ETA from the start.
 */
export interface ProgressBar {
  update(done: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

interface Writable {
  write(s: string): unknown;
  isTTY?: boolean;
}

const WIDTH = 28;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The bar's text for `done` of `total` after `elapsedMs`. */
export function renderProgress(label: string, done: number, total: number, elapsedMs: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * WIDTH);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? (total - done) / rate : Infinity;
  const n = (x: number) => Math.round(x).toLocaleString('en-GB');
  return (
    `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ` +
    `${n(done)}/${n(total)}  ${n(rate)}/s  ${done >= total ? `in ${formatDuration(elapsedMs / 1000)}` : `ETA ${formatDuration(eta)}`}`
  );
}

export function progressBar(
  label: string,
  total: number,
  out: Writable = process.stderr,
  now: () => number = () => performance.now(),
): ProgressBar {
  const started = now();
  const tty = !!out.isTTY;
  let lastDraw = -Infinity;
  let lastDecile = -1;
  let done = 0;
  let finished = false;
  const draw = (force: boolean) => {
    const t = now();
    if (tty) {
      if (!force && t - lastDraw < 100) return;
      lastDraw = t;
      out.write(`\r${renderProgress(label, done, total, t - started)}\x1b[K`);
    } else {
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (!force && decile === lastDecile) return;
      lastDecile = decile;
      out.write(renderProgress(label, done, total, t - started) + '\n');
    }
  };
  return {
    update(n: number) {
      done = n;
      draw(false);
    },
    finish() {
      if (finished) return;
      finished = true;
      if (tty) {
        draw(true);
        out.write('\n');
      } else if (lastDecile !== 10 || done < total) draw(true);
    },
  };
}
