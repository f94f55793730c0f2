export * from './jwk.js';
export * from './gateway-signer.js';
export * from './canonical-json.js';
export * from './signature-checker.js';
