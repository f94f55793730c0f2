export { WebModule } from './web.module.js';
export { registerWebAssets } from './http/web-assets.js';
export { Pages, type PageFrame } from './http/pages.js';
export { PAGE_CSP } from './http/web-assets.js';
