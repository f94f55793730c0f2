/**
 * Worker thread of log:verify: checks the blocks the coordinator sends, one at a time, on its own
 * connection inside the coordinator's exported snapshot, and posts each result back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pgConnection } from '@shared/database/pg-connection.js';
import { joinSnapshot, verifyBlock, type BlockJob } from './log-verifier.block.js';

const { connectionString, snapshot } = workerData as { connectionString: string; snapshot: string };
const port = parentPort!;
// Like the CLI's own connection: a server that does not answer fails the block, not hangs it.
// On a multi-host URL it reaches the same server as the coordinator: the primary.
const { Client, ...connection } = pgConnection(connectionString);
const client = new Client({
  ...connection,
  application_name: 'probation-gateway-log-verify',
  connectionTimeoutMillis: 5000,
  keepAlive: true,
});
// A dead connection fails the block in progress; the coordinator reports it.
client.on('error', () => undefined);

let queue: Promise<unknown> = client.connect().then(() => joinSnapshot(client, snapshot));
port.on('message', (job: BlockJob | 'stop') => {
  if (job === 'stop') {
    void queue.finally(() => client.end().catch(() => undefined)).finally(() => port.close());
    return;
  }
  queue = queue
    .then(() => verifyBlock(client, job))
    .then(
      (result) => port.postMessage({ ok: true, result }),
      (e: unknown) =>
        port.postMessage({ ok: false, from: job.from, error: e instanceof Error ? e.message : String(e) }),
    );
});
