/**
 * `npm run witness`: a C2SP tlog-witness for the gateway's access log, run by a partner. See the
 * README ("Running a witness"). Settings: WITNESS_NAME, WITNESS_LOGS, WITNESS_PORT, WITNESS_HOST,
 * WITNESS_DATA_DIR, WITNESS_KEY.
 */
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startWitness } from './start.js';
import { loadWitnessConfig } from './witness-config.js';

// Written here rather than with scripts/lib/cli.ts: the witness runs on a partner's machine and
// imports nothing outside src/witness but the Merkle and note code (a dependency rule).
const HELP = `usage: npm run witness [-- --help]

A C2SP tlog-witness (c2sp.org/tlog-witness) for the gateway's access log, run by a partner: it cosigns a checkpoint only when a consistency proof links it to the last one it cosigned. It takes its settings from the environment, and no options but --help.

Options:
  -h, --help  Print this help and exit

Environment:
  WITNESS_NAME      required: the witness's key name, e.g. witness.police-durham.example/w1
  WITNESS_LOGS      required: verifier keys of the logs witnessed (GET /log/key of the gateway), comma or space separated
  WITNESS_PORT      where it listens (default: 3141)
  WITNESS_HOST      its listen address (default: 127.0.0.1)
  WITNESS_DATA_DIR  its state and key (default: .witness)
  WITNESS_KEY       its private key PRIVATE+KEY+<name>+<hex id>+<base64> (default: WITNESS_DATA_DIR/witness.key, created on first start)

Example:
  WITNESS_NAME=witness.police-durham.example/w1 WITNESS_LOGS="$(curl -s http://127.0.0.1:3000/log/key)" npm run witness

It logs its verifier key (also at GET /key) when it listens, and stops on SIGINT or SIGTERM.
Exit status 0 stopped or --help, 1 a bad setting or a failed start, 2 a bad option.
`;

function logLine(level: string, message: string, extra: Record<string, unknown> = {}): void {
  process.stderr.write(
    JSON.stringify({ time: new Date().toISOString(), level, context: 'Witness', message, ...extra }) + '\n',
  );
}

/** Prints the help and exits 0 on --help; one line on stderr and exit status 2 on any other argument. */
function parseOptions(): void {
  let help: boolean | undefined;
  try {
    ({
      values: { help },
    } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (e) {
    process.stderr.write(
      `witness: ${String((e as Error).message)
        .split('\n')[0]
        .replace(/\.$/, '')} (see --help)\n`,
    );
    process.exit(2);
  }
  if (help) {
    // Synchronous, so that exiting at once loses nothing when stdout is a pipe.
    writeSync(1, HELP);
    process.exit(0);
  }
}

async function main(): Promise<void> {
  const config = loadWitnessConfig(process.env);
  const w = await startWitness(config);
  logLine('info', 'witness listening', {
    url: w.url,
    verifierKey: w.verifierKey,
    logs: config.logs,
    dataDir: config.dataDir,
  });
  const stop = (): void => {
    logLine('info', 'witness stopping');
    void w.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

parseOptions();
main().catch((e: Error) => {
  logLine('error', e.message);
  process.exit(1);
});
