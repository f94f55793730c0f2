/** The IG console's public surface: only the module, for the composition root. */
export { IgConsoleModule } from './ig-console.module.js';
