/** Types of verify.js (plain browser JavaScript), for the Node specs that check the port. */
export function canonicalJson(value: unknown): string;
export function base64ToBytes(b64: string): Uint8Array;
export function bytesToBase64(bytes: Uint8Array): string;
export function leafHash(leafBytes: Uint8Array): Promise<Uint8Array>;
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array>;
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean;
export function verifyInclusion(leafIndex: number, treeSize: number, leaf: Uint8Array, inclusionPath: readonly Uint8Array[], rootHash: Uint8Array): Promise<boolean>;
export function verifyCheckpoint(checkpoint: { treeSize: number; rootHash: string; timestamp: string; jws: string }, jwks: { keys: Record<string, unknown>[] }): Promise<{ ok: true; kid: string; alg: string } | { ok: false; why: string }>;
export function verifyEntry(
  entry: { index: number } & Record<string, unknown>,
  proof: { index: number; treeSize: number; leafHash: string; auditPath: string[] },
  checkpoint: { treeSize: number; rootHash: string; timestamp: string; jws: string },
  jwks: { keys: Record<string, unknown>[] },
): Promise<{ ok: boolean; redacted: boolean; steps: { label: string; ok: boolean; detail: string }[] }>;
