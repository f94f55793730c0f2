import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dueAt, RETENTION_KINDS, ruleFor, RetentionFileError } from '../domain/retention-schedule.js';
import type { AppConfig } from '@config/app.config.js';
import { RetentionScheduleService } from '../retention-schedule.service.js';
import { loadRetentionSchedule, parseRetentionFile } from './retention-loader.js';

/** A schedule with a default rule for every kind (lines 1-27), then `extra` lines from line 28. */
function schedule(extra: string[] = []): string {
  const lines = ['schedule: sample', 'version: "1"', 'rules:'];
  const from = { 'case-record': 'supervision-end', assessment: 'completion', 'exchange-request': 'retain-until' };
  for (const k of RETENTION_KINDS)
    lines.push(
      `  - id: ${k}.default`,
      `    kind: ${k}`,
      `    from: ${(from as Record<string, string>)[k] ?? 'expiry'}`,
      '    days: 10',
    );
  return [...lines, ...extra].join('\n') + '\n';
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RetentionFileError);
    return (e as Error).message;
  }
  return 'no error';
}

describe('retention schedule files', () => {
  it("applies an organisation's own rule over the default, counting days from the kind's moment", () => {
    const parsed = parseRetentionFile(
      schedule([
        '  - id: case-record.crc-one',
        '    kind: case-record',
        '    org: crc-one',
        '    from: supervision-end',
        '    days: 3',
      ]),
      'retention/a.yaml',
    );
    const s = { versions: ['sample@1'], rules: parsed.rules };
    expect(ruleFor(s, 'case-record', 'crc-one').id).toBe('case-record.crc-one');
    expect(ruleFor(s, 'case-record', 'crc-two').id).toBe('case-record.default');
    expect(dueAt(s, 'case-record', 'crc-one', new Date('2026-01-01T00:00:00Z')).toISOString()).toBe(
      '2026-01-04T00:00:00.000Z',
    );
    expect(parsed.rules.at(-1)?.source).toBe('retention/a.yaml:28');
  });

  it.each([
    [
      ['  - id: x', '    kind: assessment', '    from: expiry', '    days: 1'],
      'a.yaml:30: rule x: a assessment is kept from its completion',
    ],
    [['  - id: y', '    kind: case-file', '    from: expiry', '    days: 1'], 'a.yaml:29: rule y: kind must be one of'],
    [
      ['  - id: z', '    kind: ig-session', '    org: gateway', '    from: expiry', '    days: -1'],
      'a.yaml:32: rule z: days must be a whole number',
    ],
    [
      ['  - id: w', '    kind: ig-session', '    from: expiry', '    days: 1'],
      'a.yaml:28: rule w: a second rule for ig-session of every organisation',
    ],
    [['  - id: v', '    kind: ig-session', '    when: expiry'], 'a.yaml:30: unknown key "when"'],
  ])('refuses a bad rule, naming file and line: %#', (extra, message) => {
    expect(errorOf(() => parseRetentionFile(schedule(extra), 'retention/a.yaml'))).toContain(message);
  });

  it('refuses to start without a default rule for every kind, and with an unreadable folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'retention-'));
    try {
      writeFileSync(
        path.join(dir, 'only.yaml'),
        'schedule: only\nversion: 1\nrules:\n  - id: a\n    kind: assessment\n    from: completion\n    days: 1\n',
      );
      mkdirSync(path.join(dir, 'tests'));
      expect(errorOf(() => loadRetentionSchedule(dir))).toMatch(
        /no rule for every organisation .* for case-record, exchange-request/,
      );
      expect(errorOf(() => loadRetentionSchedule(path.join(dir, 'missing')))).toContain('cannot be read');
      // The provider the gateway builds at start-up: a bad folder fails it, and with it the start.
      expect(errorOf(() => new RetentionScheduleService({ retentionDir: dir } as AppConfig))).toMatch(
        /no rule for every/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
