export * from './domain.exception.js';
export * from './problem-mapping.js';
export * from './validation.js';
