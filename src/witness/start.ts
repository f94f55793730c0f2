import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { witnessServer } from './server.js';
import { logsFromVerifierKeys, Witness } from './witness.js';
import { loadCosigner, type WitnessConfig } from './witness-config.js';
import { WitnessStore } from './witness-store.js';

export interface RunningWitness {
  /** The witness's cosignature verifier key, for the gateway's WITNESSES. */
  verifierKey: string;
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts a witness listening on config.host:config.port (0: any free port). */
export async function startWitness(config: WitnessConfig): Promise<RunningWitness> {
  const cosigner = await loadCosigner(config);
  const witness = new Witness(cosigner, logsFromVerifierKeys(config.logs), new WitnessStore(config.dataDir));
  const server = witnessServer(witness);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    verifierKey: cosigner.verifierKey,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
