import { timeLeft } from './plain-words.js';

const at = new Date('2026-12-05T12:00:00Z');
const plus = (ms: number) => new Date(at.getTime() + ms);
const MIN = 60_000;

describe(timeLeft.name, () => {
  it.each([
    [3 * 60 * MIN + 12 * MIN + 30_000, '3 hours 12 minutes left', false],
    [2 * 60 * MIN, '2 hours left', false],
    [61 * MIN, '1 hour 1 minute left', false],
    [5 * MIN, '5 minutes left', false],
    [20_000, 'less than a minute left', false],
    [(4 * 24 + 3) * 60 * MIN + 59 * MIN, '4 days 3 hours left', false],
    [24 * 60 * MIN + 30 * MIN, '1 day left', false],
    [-2 * 60 * MIN, 'overdue by 2 hours', true],
    [-(90 * MIN), 'overdue by 1 hour 30 minutes', true],
    [-10_000, 'overdue by less than a minute', true],
  ])('%d ms -> %s', (ms, text, overdue) => {
    expect(timeLeft(plus(ms), at)).toEqual({ text, overdue });
  });
});
