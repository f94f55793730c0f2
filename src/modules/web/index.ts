export { WebModule } from './web.module.js';
export { registerWebAssets } from './http/web-assets.js';
