/**
 * `npm run witness`: a C2SP tlog-witness for the gateway's access log, run by a partner. See the
 * README ("Running a witness"). Settings: WITNESS_NAME, WITNESS_LOGS, WITNESS_PORT, WITNESS_HOST,
 * WITNESS_DATA_DIR, WITNESS_KEY.
 */
import { startWitness } from './start.js';
import { loadWitnessConfig } from './witness-config.js';

function logLine(level: string, message: string, extra: Record<string, unknown> = {}): void {
  process.stderr.write(
    JSON.stringify({ time: new Date().toISOString(), level, context: 'Witness', message, ...extra }) + '\n',
  );
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

main().catch((e: Error) => {
  logLine('error', e.message);
  process.exit(1);
});
