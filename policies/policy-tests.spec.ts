import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PolicyEvaluator } from '@modules/policies/domain/evaluator.js';
import { loadPolicies } from '@modules/policies/infrastructure/policy-loader.js';
import { describeFailure, loadPolicyTests, runPolicyTest, uncoveredRules } from '@modules/policies/policy-test-runner.js';

// The same cases `npm run policy:test` runs, one jest test each, against the policies as shipped.
const dir = path.dirname(fileURLToPath(import.meta.url));
const policy = loadPolicies(dir);
const evaluator = new PolicyEvaluator(policy);
const tests = loadPolicyTests(path.join(dir, 'tests'));

describe('policy tests (policies/tests/*.yaml)', () => {
  for (const file of [...new Set(tests.map((t) => t.file))]) {
    describe(path.basename(file), () => {
      for (const t of tests.filter((x) => x.file === file)) {
        it(t.name, () => {
          const r = runPolicyTest(evaluator, t);
          if (!r.passed) throw new Error(describeFailure(r).join('\n'));
        });
      }
    });
  }

  it('names every rule of the loaded policies in a passing test', () => {
    expect(uncoveredRules(policy, tests.map((t) => runPolicyTest(evaluator, t)))).toEqual([]);
  });
});
