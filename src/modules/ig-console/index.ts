/** The IG console's public surface, for the composition root: the module and its static files. */
export { IgConsoleModule } from './ig-console.module.js';
export { registerConsoleAssets } from './http/console-assets.js';
