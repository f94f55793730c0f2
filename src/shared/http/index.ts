export * from './problem.filter.js';
export * from './api-problems.js';
export * from './consumes.js';
export * from './validators.js';
