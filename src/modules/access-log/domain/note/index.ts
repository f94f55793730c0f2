/** C2SP signed notes, checkpoints, cosignatures and tile paths; pure and I/O-free (node:crypto only). */
export * from './signed-note.js';
export * from './checkpoint-note.js';
export * from './cosignature.js';
export * from './tiles.js';
export { newEd25519Seed } from './ed25519.js';
export * from './witnessed-checkpoint.js';
