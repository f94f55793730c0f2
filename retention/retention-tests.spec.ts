import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRetentionSchedule } from '@modules/retention/infrastructure/retention-loader.js';
import { loadRetentionTests, runRetentionTest, untestedRules } from '@modules/retention/retention-test-runner.js';

// The retention schedule as shipped, against the expectations in retention/tests, one jest test each.
const dir = path.dirname(fileURLToPath(import.meta.url));
const schedule = loadRetentionSchedule(dir);
const tests = loadRetentionTests(path.join(dir, 'tests'));

describe('retention schedule tests (retention/tests/*.yaml)', () => {
  for (const t of tests) {
    it(`${path.basename(t.file)}: ${t.name}`, () => {
      expect(runRetentionTest(schedule, t)).toBeNull();
    });
  }

  it('names every rule of the schedule in a test', () => {
    expect(untestedRules(schedule, tests)).toEqual([]);
  });
});
