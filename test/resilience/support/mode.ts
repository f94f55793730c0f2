// Quick form (inside `npm test`) or long form (`npm run test:resilience`, RESILIENCE_LONG=1).
// Tests may read the environment; the application reads it only through src/config.
import { appendFileSync } from 'node:fs';

export const LONG = process.env.RESILIENCE_LONG === '1';

/** The quick figure inside `npm test`, the long one in `npm run test:resilience`. */
export function scale<T>(quick: T, long: T): T {
  return LONG ? long : quick;
}

/**
 * Records a suite's figures: always on stderr (one JSON line), and appended to the file named
 * by RESILIENCE_REPORT when set (the long-form runner collects them for the README).
 */
export function report(suite: string, figures: Record<string, unknown>): void {
  const line = JSON.stringify({ suite, mode: LONG ? 'long' : 'quick', at: new Date().toISOString(), ...figures });
  process.stderr.write(`[resilience] ${line}\n`);
  const file = process.env.RESILIENCE_REPORT;
  if (file) appendFileSync(file, line + '\n');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` holds; returns the elapsed milliseconds. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000, everyMs = 50): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(everyMs);
  }
  return Date.now() - t0;
}
