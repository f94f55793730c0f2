import { Foundation1763800000000 } from './1763800000000-Foundation.js';
import { Cases1763800003000 } from './1763800003000-Cases.js';

/** Every migration, in order. Listed explicitly: ESM has no reliable glob loading, and a reviewer sees the whole list. */
export const migrations = [Foundation1763800000000, Cases1763800003000];
