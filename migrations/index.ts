import { Foundation1763800000000 } from './1763800000000-Foundation.js';

/** Every migration, in order. Listed explicitly: ESM has no reliable glob loading, and a reviewer sees the whole list. */
export const migrations = [Foundation1763800000000];
