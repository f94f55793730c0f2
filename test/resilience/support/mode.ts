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

export { eventually, sleep } from '../../setup/polling.js';
