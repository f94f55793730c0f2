export * from './core.module.js';
export * from './health.registry.js';
export * from './gateway-keys.service.js';
