export * from './app.config.js';
export * from './config.module.js';
export type { EventsConfig } from './events.config.js';
