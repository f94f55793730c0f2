export * from './jwk.js';
export * from './gateway-signer.js';
export * from './canonical-json.js';
export * from './policy-files-hash.js';
export * from './signature-checker.js';
