/**
 * Runs the policy tests of policies/tests/*.yaml against policies/*.yaml, like `opa test`:
 * one line per test, and for a failure the expected and actual outcome and fields.
 *
 *   npm run policy:test [-- --dir policies] [-- --only "IOM officer"]
 *
 * Exit status: 0 all passed, 1 a test failed or a rule has no passing test, 2 a file is invalid.
 */
import { PolicyFileError } from '@modules/policies/domain/policy.js';
import { describeFailure, runPolicyTests, type PolicyTestRun } from '@modules/policies/policy-test-runner.js';
import { defineCli } from './lib/cli.js';
import { toolConfig } from './lib/config.js';

const cli = defineCli('policy:test', {
  usage: 'npm run policy:test --',
  summary:
    'Runs the policy tests of <dir>/tests/*.yaml against <dir>/*.yaml, like opa test: one line per test, and for a failure the expected and actual outcome and fields.',
  options: {
    dir: { type: 'string', value: '<folder>', description: 'The policies folder; default POLICIES_DIR (policies)' },
    only: {
      type: 'string',
      value: '<text>',
      description: 'Run only the tests whose name contains this text (case-insensitive)',
    },
  },
  examples: ['npm run policy:test -- --only "IOM officer"'],
  notes: [
    'Exit status 0 all passed, 1 a test failed or a rule has no passing test, 2 a file is invalid or a bad option.',
  ],
});
const values = cli.parse();
const out = (line = ''): boolean => process.stdout.write(line + '\n');

const tty = process.stdout.isTTY;
const paint = (code: number, s: string): string => (tty ? `\u001b[${code}m${s}\u001b[0m` : s);
const green = (s: string): string => paint(32, s);
const red = (s: string): string => paint(31, s);
const dim = (s: string): string => paint(2, s);

let run: PolicyTestRun;
try {
  run = runPolicyTests(values.dir ?? toolConfig(cli).policiesDir);
} catch (e) {
  if (!(e instanceof PolicyFileError)) throw e;
  process.stderr.write(`${red('invalid file')} ${e.message}\n`);
  process.exit(2);
}

const results = values.only
  ? run.results.filter((r) => r.test.name.toLowerCase().includes(values.only!.toLowerCase()))
  : run.results;
out(dim(`policies ${run.versions.join(', ')}`));
let file = '';
for (const r of results) {
  if (r.test.file !== file) {
    file = r.test.file;
    out(`\n${file}`);
  }
  out(`  ${r.passed ? green('✓') : red('✗')} ${r.test.name}`);
  if (!r.passed) for (const line of describeFailure(r)) out(`      ${line}`);
}
const failed = results.filter((r) => !r.passed).length;
out(
  `\n${results.length} tests: ${green(`${results.length - failed} passed`)}, ${failed ? red(`${failed} failed`) : '0 failed'}`,
);
// Coverage only means something over the whole suite, not a filtered part of it.
if (!values.only && run.uncoveredRules.length)
  out(red(`rules with no passing test naming them in expect.rules: ${run.uncoveredRules.join(', ')}`));
process.exit(failed || (!values.only && run.uncoveredRules.length) ? 1 : 0);
